#include <dcmtk/dcmdata/dcuid.h>

#include <iostream>

#include "common/config/config_loader.h"
#include "common/dicom/dcmtk_globals.h"
#include "common/dicom/echo_client.h"
#include "common/logging/logging.h"
#include "services/pacs/file_store.h"
#include "services/pacs/instance_index.h"
#include "services/pacs/storage_verifier.h"
#include "services/supervisor/commands.h"

#ifndef GATEWAY_VERSION
#define GATEWAY_VERSION "0.0.0"
#endif

namespace gateway::supervisor {

int runVerifyStorage(const config::GatewayConfig& config, bool json) {
  try {
    if (!std::filesystem::exists(config.pacs.db_path)) {
      std::cerr << "screening-gateway: no index at " << config.pacs.db_path.string()
                << " (PACS_DB_PATH)\n";
      return 1;
    }
    pacs::FileStore store(config.pacs.storage_path);
    pacs::InstanceIndex index(config.pacs.db_path);
    const auto report = pacs::verifyStorage(store, index);
    std::cout << (json ? pacs::toJson(report) : pacs::toText(report));
    return report.ok() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "screening-gateway: verify-storage failed: " << e.what() << "\n";
    return 1;
  }
}

int runHealthcheck(const config::GatewayConfig& config, const CommandLine& command_line) {
  const auto result =
      dicom::sendEcho(command_line.host, config.pacs.port, command_line.calling_aet,
                      config.pacs.aet, std::chrono::seconds(command_line.timeout_seconds));
  if (!result.ok) {
    std::cout << "unhealthy: pacs C-ECHO to " << config.pacs.aet << "@" << command_line.host << ":"
              << config.pacs.port << " failed: " << result.error << "\n";
    return 1;
  }
  std::cout << "healthy: pacs C-ECHO " << result.milliseconds << " ms\n";
  return 0;
}

int runVersion() {
  std::cout << "screening-gateway " << GATEWAY_VERSION << " (DCMTK " << OFFIS_DCMTK_VERSION_STRING
            << ")\n";
  return 0;
}

int runMain(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto parsed = parseCommandLine(args, config::ConfigSources::fromProcessEnvironment());
  if (!parsed.error.empty()) {
    std::cerr << "screening-gateway: " << parsed.error << "\n" << usageText();
    return 2;
  }
  const CommandLine& cl = parsed.command_line;
  if (cl.help) {
    std::cout << ((cl.command_given && cl.command != "help") ? commandHelp(cl.command)
                                                             : usageText());
    return 0;
  }
  if (cl.command == "version") return runVersion();

  config::GatewayConfig config;
  try {
    config = config::loadConfig(cl.sources);
  } catch (const config::ConfigError& e) {
    std::cerr << "screening-gateway: " << e.what() << "\n";
    return 2;
  }
  // Admin commands print their own results on stdout; keep their logging to warnings.
  logging::initLogging(cl.command == "serve" ? config.log_level : "warn");
  try {
    dicom::configureDcmtkGlobals(config.network);
  } catch (const std::exception& e) {
    std::cerr << "screening-gateway: " << e.what() << "\n";
    return 1;
  }
  if (cl.command == "serve") return runServe(config);
  if (cl.command == "verify-storage") return runVerifyStorage(config, cl.json);
  if (cl.command == "healthcheck") return runHealthcheck(config, cl);
  std::cerr << "screening-gateway: unknown command " << cl.command << "\n";
  return 2;
}

}  // namespace gateway::supervisor
