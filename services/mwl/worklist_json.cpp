#include "services/mwl/worklist_json.h"

#include "common/json/json_writer.h"

namespace gateway::mwl {

std::string toJson(const WorklistItem& item) {
  json::Json out = json::Json::object();
  for (const auto& field : worklistFields()) out[field.name] = item.*(field.member);
  return json::toJsonLine(out);
}

std::string toJson(const std::vector<WorklistItem>& items) {
  // One item per line rather than one long line: a person can read it and line tools can
  // count or grep items.
  if (items.empty()) return "[]\n";
  std::string out = "[\n";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += "  " + toJson(items[i]) + (i + 1 < items.size() ? ",\n" : "\n");
  }
  return out + "]\n";
}

}  // namespace gateway::mwl
