#include "common/config/yaml_fields.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

#include "common/config/value_parsers.h"

namespace gateway::config {

std::string lineOf(const YAML::Node& node) {
  return node.Mark().line >= 0 ? " (line " + std::to_string(node.Mark().line + 1) + ")" : "";
}

bool plausibleHost(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
  });
}

std::vector<std::pair<std::string, std::string>> scalarList(const YAML::Node& node,
                                                            const std::string& path,
                                                            const std::string& where,
                                                            std::vector<std::string>& problems) {
  std::vector<std::pair<std::string, std::string>> out;  // (path[i], value)
  if (!node.IsSequence()) {
    problems.push_back(where + path + ": must be a list" + lineOf(node));
    return out;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    if (!node[i].IsScalar()) {
      problems.push_back(where + item_path + ": must be a plain value" + lineOf(node[i]));
      continue;
    }
    out.emplace_back(item_path, node[i].as<std::string>());
  }
  return out;
}

std::optional<bool> parseBoolWord(const std::string& value) {
  std::string text = trim(value);
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (text == "true" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "no" || text == "off") return false;
  return std::nullopt;
}

}  // namespace gateway::config
