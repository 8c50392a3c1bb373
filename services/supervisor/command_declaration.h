#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/config/gateway_config.h"
#include "services/supervisor/command_line.h"

namespace CLI {
class App;
}

namespace gateway::supervisor {

// One command (or worklist action) of screening-gateway, declared once in its own file.
// The registry (command_registry.cpp) builds its CLI11 subcommand from this: its options,
// the flags of the settings it reads, its --help, and which function runs it.
struct CommandDeclaration {
  std::string name;     // "serve"; an action's own name ("add" under "worklist")
  std::string summary;  // one line in the parent's list of commands
  // The prose of its --help, under the usage line (pre-wrapped lines of at most 90 columns).
  std::string description;
  std::string footer;  // after the options: exit codes, notes
  // The settings it reads, by key of config::settingTable(): "pacs.port", a section "mwl.",
  // or "*" for every setting. Only these get a flag on this command (plus --config FILE);
  // none: the command needs no configuration at all.
  std::vector<std::string> settings;
  // Declares its own options on its CLI11 subcommand, storing into `command_line`; may add
  // a callback that checks options against each other. Empty: no options of its own.
  std::function<void(CLI::App& app, CommandLine& command_line)> declare;
  // Runs it; returns the exit code (0 success, 1 failure, 2 invalid usage or configuration).
  // The configuration is the default one when `settings` is empty. Empty for a group.
  std::function<int(const config::GatewayConfig& config, const CommandLine& command_line)> run;
  std::vector<CommandDeclaration> actions;  // a group's subcommands (worklist add, ...)
  // Logs at the configured level (serve). Admin commands print their results and log only
  // warnings, unless --log-level is given on their command line.
  bool logs_at_configured_level = false;
  std::string argument_hint;  // added to "unexpected argument" errors
};

// The run function of a command taking its own options struct from the command line:
// runWith(runHealthcheck, &CommandLine::healthcheck).
template <typename Options>
std::function<int(const config::GatewayConfig&, const CommandLine&)> runWith(
    int (*run)(const config::GatewayConfig&, const Options&), Options CommandLine::*options) {
  return [run, options](const config::GatewayConfig& config, const CommandLine& command_line) {
    return run(config, command_line.*options);
  };
}

}  // namespace gateway::supervisor
