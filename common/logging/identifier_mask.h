#pragma once

#include <string>
#include <string_view>

namespace gateway::logging {

// Turns a patient identifier (ID, name) into a short token safe for INFO logs: the same
// value gives the same token within one process run, so an administrator can follow one
// patient's objects through the log, but the token cannot be reversed (keyed hash with a
// random per-process key; a plain hash of an 8-digit ID would be trivial to brute-force).
// Empty input gives "-".
std::string maskIdentifier(std::string_view value);

}  // namespace gateway::logging
