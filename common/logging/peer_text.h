#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gateway::logging {

// Text a peer controls (AE titles, UIDs, DCMTK's condition texts about its PDUs, values it
// sent) made safe for one log line: printable ASCII stays, `"` and `\` are escaped, every
// other byte (control characters, newlines, bytes >= 0x80) becomes \xNN, and anything past
// `max_length` input bytes is cut and marked with "...". So a peer can neither forge a log
// line nor push raw bytes or megabytes into the log.
std::string escaped(std::string_view text, std::size_t max_length = 200);

}  // namespace gateway::logging
