#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/config/gateway_config.h"

namespace gateway::config {

// One configurable setting: where it can come from and how a text value is applied.
// Every source (YAML, environment, command line) goes through the same apply function,
// so validation and error texts are identical wherever a value comes from.
struct SettingSpec {
  const char* key;          // YAML path, e.g. "pacs.port"
  const char* env;          // environment variable, e.g. "PACS_PORT"
  const char* flag;         // command-line flag, e.g. "--pacs-port"
  const char* description;  // for --help
  // Applies the value; returns an error text (without the setting name) on failure.
  std::optional<std::string> (*apply)(GatewayConfig&, const std::string& value);
  std::string (*show)(const GatewayConfig&);  // the effective value, for the start-up log
};

const std::vector<SettingSpec>& settingTable();
const SettingSpec* findSettingByKey(const std::string& key);
const SettingSpec* findSettingByFlag(const std::string& flag);

}  // namespace gateway::config
