// `screening-gateway help [COMMAND [ACTION]]`: the same text as `COMMAND --help`.
#include <CLI/CLI.hpp>
#include <iostream>

#include "services/supervisor/command_registry.h"
#include "services/supervisor/commands.h"

namespace gateway::supervisor {

int runHelp(const std::string& topic) {
  std::cout << commandHelp(topic);
  return 0;
}

CommandDeclaration helpCommand() {
  CommandDeclaration command;
  command.name = "help";
  command.summary = "describe a command: help COMMAND [ACTION]";
  command.description =
      "Prints the help of a command or worklist action, as `COMMAND --help` does;\n"
      "without one, the list of commands.\n";
  command.declare = [](CLI::App& app, CommandLine& command_line) {
    auto words = [&command_line](const CLI::results_t& given) {
      if (given.size() > 2) throw CLI::ValidationError("help: one COMMAND [ACTION] at a time");
      for (const auto& word : given) {
        command_line.help_command += (command_line.help_command.empty() ? "" : " ") + word;
      }
      return true;
    };
    app.add_option("COMMAND", CLI::callback_t(std::move(words)),
                   "the command (and action) to describe, e.g. worklist add")
        ->expected(0, -1)
        ->allow_extra_args()
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app.callback([&command_line] {
      if (findCommand(command_line.help_command) == nullptr && !command_line.help_command.empty()) {
        throw CLI::ValidationError("help: no command '" + command_line.help_command +
                                   "' (screening-gateway --help lists them)");
      }
    });
  };
  command.run = [](const config::GatewayConfig&, const CommandLine& command_line) {
    return runHelp(helpTopic(command_line));
  };
  return command;
}

}  // namespace gateway::supervisor
