#pragma once

#include <string>
#include <vector>

#include "common/config/config_loader.h"

namespace gateway::supervisor {

// The parsed command line: which command, its own options, and configuration flags.
struct CommandLine {
  std::string command = "serve";
  bool command_given = false;  // false: "serve" by default
  bool help = false;
  config::ConfigSources sources;  // environment + --config + setting flags
  // Command options (not settings).
  bool json = false;                        // verify-storage --json
  std::string host = "127.0.0.1";           // healthcheck --host
  int timeout_seconds = 5;                  // healthcheck --timeout
  std::string calling_aet = "HEALTHCHECK";  // healthcheck --calling-aet
};

struct ParseResult {
  CommandLine command_line;
  std::string error;  // non-empty: usage error (exit 2)
};

// Parses argv; the environment is read by the caller (ConfigSources::fromProcessEnvironment).
ParseResult parseCommandLine(const std::vector<std::string>& args, config::ConfigSources sources);

std::string usageText();
std::string commandHelp(const std::string& command);

}  // namespace gateway::supervisor
