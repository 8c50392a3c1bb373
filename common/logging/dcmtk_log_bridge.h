#pragma once

#include <string>

namespace gateway::logging {

// Replaces DCMTK's own console logging with an appender that forwards to our `dcmtk`
// spdlog logger, and sets DCMTK's level one step quieter than ours: DCMTK's DEBUG dumps
// every association negotiation, which is only wanted at our TRACE.
void routeDcmtkLogging(const std::string& our_level);

}  // namespace gateway::logging
