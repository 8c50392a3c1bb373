#pragma once

#include <string>
#include <string_view>

namespace gateway::text {

// `text` without leading and trailing spaces, tabs, CR and LF.
std::string trim(std::string_view text);

}  // namespace gateway::text
