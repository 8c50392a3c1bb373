#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "services/mwl/worklist_item.h"

namespace gateway::mwl {

// `value` as a JSON string literal, quotes included. `"` and `\` are escaped, control
// characters become \n, \t, ... or \u00XX; valid UTF-8 passes through unchanged and each
// byte of an invalid UTF-8 sequence becomes \ufffd, so the output is always valid JSON.
std::string jsonString(std::string_view value);

// One object with every field of worklistFields(), in that order, names as in the table.
std::string toJson(const WorklistItem& item);
// A JSON array of toJson objects, one per line, ending with a newline ("[]\n" when empty).
std::string toJson(const std::vector<WorklistItem>& items);

}  // namespace gateway::mwl
