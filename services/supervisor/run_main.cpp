// The process: parse the command line, load the configuration, run the command.
#include <cstdlib>
#include <iostream>

#include "common/config/config_loader.h"
#include "common/dicom/dcmtk_globals.h"
#include "common/logging/logging.h"
#include "services/supervisor/command_registry.h"
#include "services/supervisor/commands.h"
#include "services/window/site_time.h"

namespace gateway::supervisor {
namespace {

bool flagGiven(const CommandLine& command_line, const std::string& flag) {
  for (const auto& [name, value] : command_line.sources.flags) {
    if (name == flag) return true;
  }
  return false;
}

}  // namespace

int runMain(int argc, char** argv) {
  // DCMTK leaves Nagle's algorithm on for the connections it opens (healthcheck, emulator)
  // unless this is set: every exchange would then stall ~40 ms.
  ::setenv("TCP_NODELAY", "1", 0);
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto parsed = parseCommandLine(args, config::ConfigSources::fromProcessEnvironment());
  const CommandLine& cl = parsed.command_line;
  if (!parsed.error.empty()) {
    const std::string& topic = parsed.command_path;
    std::cerr << "screening-gateway: " << parsed.error << "\n"
              << "`screening-gateway " << (topic.empty() ? "" : topic + " ")
              << "--help` describes the " << (topic.empty() ? "commands" : "options") << ".\n";
    return 2;
  }
  if (cl.help) return runHelp(helpTopic(cl));

  const CommandDeclaration* command =
      findCommand(cl.action.empty() ? cl.command : cl.command + " " + cl.action);
  if (command == nullptr || !command->run) {
    std::cerr << "screening-gateway: unknown command " << cl.command << "\n";
    return 2;
  }
  if (command->settings.empty()) return command->run(config::GatewayConfig{}, cl);

  config::GatewayConfig config;
  try {
    config = config::loadConfig(cl.sources);
  } catch (const config::ConfigError& e) {
    std::cerr << "screening-gateway: " << e.what() << "\n";
    return 2;
  }
  // The site's zone before any thread starts and before the first log line: "today", the
  // page's times and the log's timestamps are all in it.
  window::applySiteTimezone(config.timezone);
  // Admin commands print their own results on stdout; their logging stays at warnings
  // unless asked for on their command line (LOG_LEVEL in the environment is serve's).
  const bool configured_level = command->logs_at_configured_level || flagGiven(cl, "--log-level");
  logging::initLogging(configured_level ? config.log_level : "warn");
  try {
    dicom::configureDcmtkGlobals(config.network);
  } catch (const std::exception& e) {
    std::cerr << "screening-gateway: " << e.what() << "\n";
    return 1;
  }
  return command->run(config, cl);
}

}  // namespace gateway::supervisor
