// `screening-gateway healthcheck`: health proven by traffic.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <CLI/CLI.hpp>
#include <ctime>
#include <iostream>

#include "common/dicom/echo_client.h"
#include "common/dicom/find_client.h"
#include "common/dicom/tls_credentials.h"
#include "common/dicom_values/current_date.h"
#include "services/supervisor/cli_options.h"
#include "services/supervisor/commands.h"

namespace gateway::supervisor {
namespace {

// One service at one port: C-ECHO, and for the worklist a real query of today's items (the
// answer may be empty; the status must be success).
void checkPort(const std::string& host, std::uint16_t port, const std::string& label,
               const std::string& called_aet, bool worklist, const HealthcheckOptions& options,
               const dicom::TlsClientSettings* tls, std::string& passed,
               std::vector<std::string>& failures) {
  const auto timeout = std::chrono::seconds(options.timeout_seconds);
  const std::string where = called_aet + "@" + host + ":" + std::to_string(port);
  const auto echo = dicom::sendEcho(host, port, options.calling_aet, called_aet, timeout, tls);
  if (!echo.ok) {
    failures.push_back(label + " C-ECHO to " + where + ": " + echo.error);
    return;
  }
  passed += " " + label + "-echo=" + std::to_string(echo.milliseconds) + "ms";
  if (!worklist) return;
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
  const auto find = dicom::sendFind(host, port, options.calling_aet, called_aet,
                                    UID_FINDModalityWorklistInformationModel, query, timeout, tls);
  if (find.ok) {
    passed += " " + label + "-find=" + std::to_string(find.milliseconds) + "ms";
  } else {
    failures.push_back("worklist C-FIND to " + where + (tls != nullptr ? " (TLS)" : "") + ": " +
                       find.error);
  }
}

int runHealthcheck(const config::GatewayConfig& config, const HealthcheckOptions& options) {
  // Health is proven by traffic: the same exchanges a modality makes, each with a timeout,
  // on every port that is configured (plain and TLS).
  const auto& host = options.host;
  const dicom::TlsClientSettings tls = dicom::selfCallTls(config.tls);
  struct Port {
    std::uint16_t port;
    const char* label;
    const std::string& aet;
    bool worklist;
    const dicom::TlsClientSettings* tls;
  };
  const Port ports[] = {{config.pacs.port, "pacs", config.pacs.aet, false, nullptr},
                        {config.pacs.tls_port, "pacs-tls", config.pacs.aet, false, &tls},
                        {config.mwl.port, "mwl", config.mwl.aet, true, nullptr},
                        {config.mwl.tls_port, "mwl-tls", config.mwl.aet, true, &tls}};
  std::vector<std::string> failures;
  std::string passed;
  for (const Port& p : ports) {
    if (p.port == 0) continue;  // that port is off
    checkPort(host, p.port, p.label, p.aet, p.worklist, options, p.tls, passed, failures);
  }
  // A certificate about to expire does not make the unit unhealthy yet, but is said under
  // the verdict, as at start.
  std::string warnings;
  if (config.pacs.tls_port != 0 || config.mwl.tls_port != 0) {
    for (const auto& soon : dicom::expiringCertificates(config.tls)) {
      warnings += "warning: " + soon.describe() + "\n";
    }
  }
  if (!failures.empty()) {
    std::string line = "unhealthy:";
    for (const auto& f : failures) line += " " + f + ";";
    std::cout << line << "\n" << warnings;
    return 1;
  }
  std::cout << "healthy:" << passed << "\n" << warnings;
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
      "for today's items, each within --timeout seconds; the same again on each DICOM\n"
      "TLS port that is set (PACS_TLS_PORT, MWL_TLS_PORT), verifying the server against\n"
      "GATEWAY_TLS_CA (or, without a CA, the gateway's own GATEWAY_TLS_CERT) and showing\n"
      "that certificate when the port asks for one. Under known-aes access, --calling-aet\n"
      "must be in known_aes. A certificate expiring within 30 days is a warning line.\n";
  command.footer = "Exit 0 when all answer, else 1 and one line saying which failed.\n";
  // The exchanges' own timeout is --timeout; the DIMSE timeout bounds each socket read.
  command.settings = {"pacs.aet", "pacs.port",    "pacs.tls_port",         "mwl.aet",
                      "mwl.port", "mwl.tls_port", "network.dimse_timeout", "tls.",
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
