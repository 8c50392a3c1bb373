#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/config/gateway_config.h"

namespace gateway::config {

// Where configuration values come from. Precedence, lowest first:
// built-in default < YAML file < environment < command-line flag.
struct ConfigSources {
  std::optional<std::filesystem::path> yaml_file;
  std::vector<std::pair<std::string, std::string>> environment;  // variable name, value
  std::vector<std::pair<std::string, std::string>> flags;        // flag (e.g. --pacs-port), value

  // The known variables (and GATEWAY_CONFIG as the YAML file) from the process environment.
  static ConfigSources fromProcessEnvironment();
};

// Every problem found, each naming its setting and source, so one run reports them all.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

// Builds the configuration; throws ConfigError listing every problem.
GatewayConfig loadConfig(const ConfigSources& sources);

// Creates the storage folder and the databases' folders where missing and proves each is
// writable; returns one problem per path that is not. Separate from loadConfig because it
// touches the filesystem; call it before starting anything.
std::vector<std::string> prepareWritablePaths(const GatewayConfig& config, bool pacs, bool mwl);

// "key=value" pairs of the effective configuration, for the start-up log.
std::vector<std::pair<std::string, std::string>> describe(const GatewayConfig& config);

}  // namespace gateway::config
