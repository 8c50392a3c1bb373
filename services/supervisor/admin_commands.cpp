#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <cstdlib>
#include <ctime>
#include <iostream>

#include "common/config/config_loader.h"
#include "common/dicom/dcmtk_globals.h"
#include "common/dicom/echo_client.h"
#include "common/dicom/find_client.h"
#include "common/dicom_values/current_date.h"
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
  // Health is proven by traffic: the same exchanges a modality makes, each with a timeout.
  const auto timeout = std::chrono::seconds(command_line.timeout_seconds);
  const auto& host = command_line.host;
  std::vector<std::string> failures;
  std::string passed;
  const auto pacs_echo =
      dicom::sendEcho(host, config.pacs.port, command_line.calling_aet, config.pacs.aet, timeout);
  if (pacs_echo.ok) {
    passed += " pacs-echo=" + std::to_string(pacs_echo.milliseconds) + "ms";
  } else {
    failures.push_back("pacs C-ECHO to " + config.pacs.aet + "@" + host + ":" +
                       std::to_string(config.pacs.port) + ": " + pacs_echo.error);
  }
  const auto mwl_echo =
      dicom::sendEcho(host, config.mwl.port, command_line.calling_aet, config.mwl.aet, timeout);
  if (mwl_echo.ok) {
    passed += " mwl-echo=" + std::to_string(mwl_echo.milliseconds) + "ms";
    // A real worklist query: today's items (the answer may be empty; the status must be
    // success).
    DcmDataset query;
    query.putAndInsertString(DCM_PatientName, "");
    query.putAndInsertString(DCM_AccessionNumber, "");
    DcmItem* step = nullptr;
    query.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, step, -2);
    if (step != nullptr) {
      step->putAndInsertString(DCM_ScheduledProcedureStepStartDate,
                               dicom_values::currentDate().c_str());
      step->putAndInsertString(DCM_Modality, "");
    }
    const auto find = dicom::sendFind(host, config.mwl.port, command_line.calling_aet,
                                      config.mwl.aet, UID_FINDModalityWorklistInformationModel,
                                      query, timeout);
    if (find.ok) {
      passed += " mwl-find=" + std::to_string(find.milliseconds) + "ms";
    } else {
      failures.push_back("worklist C-FIND to " + config.mwl.aet + "@" + host + ":" +
                         std::to_string(config.mwl.port) + ": " + find.error);
    }
  } else {
    failures.push_back("mwl C-ECHO to " + config.mwl.aet + "@" + host + ":" +
                       std::to_string(config.mwl.port) + ": " + mwl_echo.error);
  }
  if (!failures.empty()) {
    std::string line = "unhealthy:";
    for (const auto& f : failures) line += " " + f + ";";
    std::cout << line << "\n";
    return 1;
  }
  std::cout << "healthy:" << passed << "\n";
  return 0;
}

int runVersion() {
  std::cout << "screening-gateway " << GATEWAY_VERSION << " (DCMTK " << OFFIS_DCMTK_VERSION_STRING
            << ")\n";
  return 0;
}

int runMain(int argc, char** argv) {
  // DCMTK leaves Nagle's algorithm on for the connections it opens (healthcheck, emulator)
  // unless this is set: every exchange would then stall ~40 ms.
  ::setenv("TCP_NODELAY", "1", 0);
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto parsed = parseCommandLine(args, config::ConfigSources::fromProcessEnvironment());
  if (!parsed.error.empty()) {
    std::cerr << "screening-gateway: " << parsed.error << "\n";
    if (parsed.command_line.command == "worklist") {
      std::cerr << "`screening-gateway " << helpTopic(parsed.command_line)
                << " --help` describes the options.\n";
    } else {
      std::cerr << usageText();
    }
    return 2;
  }
  const CommandLine& cl = parsed.command_line;
  if (cl.help) {
    const std::string topic = helpTopic(cl);
    std::cout << (topic.empty() ? usageText() : commandHelp(topic));
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
  if (cl.command == "emulate") return runEmulate(config, cl);
  if (cl.command == "worklist") return runWorklist(config, cl.worklist, cl.json);
  std::cerr << "screening-gateway: unknown command " << cl.command << "\n";
  return 2;
}

}  // namespace gateway::supervisor
