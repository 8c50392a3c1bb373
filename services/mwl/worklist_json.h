#pragma once

#include <string>
#include <vector>

#include "services/mwl/worklist_item.h"

namespace gateway::mwl {

// One object with every field of worklistFields(), in that order, names as in the table,
// on one line (json::toJsonLine: bytes that are not UTF-8 become U+FFFD).
std::string toJson(const WorklistItem& item);
// A JSON array of toJson objects, one per line, ending with a newline ("[]\n" when empty).
std::string toJson(const std::vector<WorklistItem>& items);

}  // namespace gateway::mwl
