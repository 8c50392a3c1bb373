// `screening-gateway healthcheck`: health proven by traffic.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <CLI/CLI.hpp>
#include <ctime>
#include <iostream>

#include "common/dicom/echo_client.h"
#include "common/dicom/find_client.h"
#include "common/dicom_values/current_date.h"
#include "services/supervisor/cli_options.h"
#include "services/supervisor/commands.h"

namespace gateway::supervisor {
namespace {

int runHealthcheck(const config::GatewayConfig& config, const HealthcheckOptions& options) {
  // Health is proven by traffic: the same exchanges a modality makes, each with a timeout.
  const auto timeout = std::chrono::seconds(options.timeout_seconds);
  const auto& host = options.host;
  std::vector<std::string> failures;
  std::string passed;
  const auto pacs_echo =
      dicom::sendEcho(host, config.pacs.port, options.calling_aet, config.pacs.aet, timeout);
  if (pacs_echo.ok) {
    passed += " pacs-echo=" + std::to_string(pacs_echo.milliseconds) + "ms";
  } else {
    failures.push_back("pacs C-ECHO to " + config.pacs.aet + "@" + host + ":" +
                       std::to_string(config.pacs.port) + ": " + pacs_echo.error);
  }
  const auto mwl_echo =
      dicom::sendEcho(host, config.mwl.port, options.calling_aet, config.mwl.aet, timeout);
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
    const auto find = dicom::sendFind(host, config.mwl.port, options.calling_aet, config.mwl.aet,
                                      UID_FINDModalityWorklistInformationModel, query, timeout);
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

}  // namespace

CommandDeclaration healthcheckCommand() {
  CommandDeclaration command;
  command.name = "healthcheck";
  command.summary = "C-ECHO both services and run a worklist C-FIND; exit 0 only if all answer";
  command.description =
      "Proves health by traffic: a C-ECHO to the storage service (PACS_PORT, PACS_AET)\n"
      "and to the worklist service (MWL_PORT, MWL_AET) at --host, and a worklist C-FIND\n"
      "for today's items, each within --timeout seconds.\n";
  command.footer = "Exit 0 when all answer, else 1 and one line saying which failed.\n";
  // The exchanges' own timeout is --timeout; the DIMSE timeout bounds each socket read.
  command.settings = {"pacs.aet", "pacs.port", "mwl.aet", "mwl.port", "network.dimse_timeout",
                      "log_level"};
  command.declare = [](CLI::App& app, CommandLine& command_line) {
    HealthcheckOptions& options = command_line.healthcheck;
    addValueOption(app, "--host", "HOST", "where the gateway runs (default 127.0.0.1)",
                   textInto(options.host));
    addValueOption(app, "--timeout", "SECONDS", "limit of each exchange, 1-300 (default 5)",
                   integerInto(options.timeout_seconds, 1, 300));
    addValueOption(app, "--calling-aet", "AE", "our AE title (default HEALTHCHECK)",
                   aeTitleInto(options.calling_aet));
  };
  command.run = runWith(runHealthcheck, &CommandLine::healthcheck);
  return command;
}

}  // namespace gateway::supervisor
