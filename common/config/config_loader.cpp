#include "common/config/config_loader.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>

#include "common/config/setting_table.h"

namespace gateway::config {
namespace {

std::string joinProblems(const std::vector<std::string>& problems) {
  std::string text = "invalid configuration:";
  for (const auto& p : problems) text += "\n  " + p;
  return text;
}

// Flattens a YAML mapping into dotted keys ("pacs.port"); lists become comma-separated.
void flattenYaml(const YAML::Node& node, const std::string& prefix, const std::string& file,
                 std::vector<std::pair<std::string, std::string>>& out,
                 std::vector<std::string>& problems) {
  for (const auto& entry : node) {
    const std::string name = entry.first.as<std::string>();
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    const YAML::Node& value = entry.second;
    const std::string where = file + ": line " + std::to_string(entry.first.Mark().line + 1);
    if (value.IsMap()) {
      flattenYaml(value, key, file, out, problems);
    } else if (value.IsSequence()) {
      std::string joined;
      for (const auto& item : value) {
        if (!item.IsScalar()) {
          problems.push_back(where + ": " + key + ": list items must be plain values");
          continue;
        }
        joined += (joined.empty() ? "" : ",") + item.as<std::string>();
      }
      out.emplace_back(key, joined);
    } else if (value.IsScalar()) {
      out.emplace_back(key, value.as<std::string>());
    } else {
      problems.push_back(where + ": " + key + " has no value");
    }
  }
}

void applyYaml(const std::filesystem::path& file, GatewayConfig& config,
               std::vector<std::string>& problems) {
  YAML::Node root;
  try {
    std::ifstream probe(file);
    if (!probe) {
      problems.push_back("config file " + file.string() + ": cannot be read");
      return;
    }
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    problems.push_back("config file " + file.string() + ": line " +
                       std::to_string(e.mark.line + 1) + ": " + e.msg);
    return;
  }
  if (root.IsNull()) return;
  if (!root.IsMap()) {
    problems.push_back("config file " + file.string() + ": the top level must be a mapping");
    return;
  }
  std::vector<std::pair<std::string, std::string>> values;
  flattenYaml(root, "", file.string(), values, problems);
  for (const auto& [key, value] : values) {
    const SettingSpec* spec = findSettingByKey(key);
    if (spec == nullptr) {
      problems.push_back("config file " + file.string() + ": unknown key '" + key + "'");
      continue;
    }
    if (auto error = spec->apply(config, value)) {
      problems.push_back("config file " + file.string() + ": " + key + ": " + *error);
    }
  }
}

std::vector<std::string> checkDirectoryWritable(const std::filesystem::path& dir,
                                                const std::string& setting) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return {setting + ": cannot create " + dir.string() + ": " + ec.message()};
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return {setting + ": " + dir.string() + " is not writable"};
  }
  return {};
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> problems)
    : std::runtime_error(joinProblems(problems)), problems_(std::move(problems)) {}

ConfigSources ConfigSources::fromProcessEnvironment() {
  ConfigSources sources;
  if (const char* file = std::getenv("GATEWAY_CONFIG"); file != nullptr && *file != '\0') {
    sources.yaml_file = file;
  }
  for (const auto& spec : settingTable()) {
    if (const char* value = std::getenv(spec.env); value != nullptr) {
      sources.environment.emplace_back(spec.env, value);
    }
  }
  return sources;
}

GatewayConfig loadConfig(const ConfigSources& sources) {
  GatewayConfig config;
  std::vector<std::string> problems;
  if (sources.yaml_file) applyYaml(*sources.yaml_file, config, problems);
  for (const auto& [name, value] : sources.environment) {
    const SettingSpec* spec = nullptr;
    for (const auto& s : settingTable()) {
      if (name == s.env) spec = &s;
    }
    if (spec == nullptr) continue;  // not one of ours
    if (auto error = spec->apply(config, value)) {
      problems.push_back("environment " + name + ": " + *error);
    }
  }
  for (const auto& [flag, value] : sources.flags) {
    const SettingSpec* spec = findSettingByFlag(flag);
    if (spec == nullptr) {
      problems.push_back("unknown option " + flag);
      continue;
    }
    if (auto error = spec->apply(config, value)) problems.push_back(flag + ": " + *error);
  }
  if (config.pacs.port == config.mwl.port) {
    problems.push_back("pacs.port and mwl.port are both " + std::to_string(config.pacs.port) +
                       "; the services need different ports");
  }
  if (!problems.empty()) throw ConfigError(std::move(problems));
  return config;
}

std::vector<std::string> prepareWritablePaths(const GatewayConfig& config, bool pacs, bool mwl) {
  std::vector<std::string> problems;
  auto add = [&problems](std::vector<std::string> more) {
    problems.insert(problems.end(), more.begin(), more.end());
  };
  if (pacs) {
    add(checkDirectoryWritable(config.pacs.storage_path, "pacs.storage_path (PACS_STORAGE_PATH)"));
    add(checkDirectoryWritable(config.pacs.db_path.parent_path().empty()
                                   ? std::filesystem::path(".")
                                   : config.pacs.db_path.parent_path(),
                               "pacs.db_path (PACS_DB_PATH)"));
  }
  if (mwl) {
    add(checkDirectoryWritable(config.mwl.db_path.parent_path().empty()
                                   ? std::filesystem::path(".")
                                   : config.mwl.db_path.parent_path(),
                               "mwl.db_path (MWL_DB_PATH)"));
  }
  return problems;
}

std::vector<std::pair<std::string, std::string>> describe(const GatewayConfig& config) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& spec : settingTable()) out.emplace_back(spec.key, spec.show(config));
  return out;
}

}  // namespace gateway::config
