// `screening-gateway healthcheck`: health proven by traffic.
#include <CLI/CLI.hpp>
#include <iostream>

#include "common/dicom/tls_credentials.h"
#include "services/supervisor/cli_options.h"
#include "services/supervisor/commands.h"
#include "services/window/health_checks.h"
#include "services/window/remote_health.h"
#include "services/window/status_json.h"

namespace gateway::supervisor {
namespace {

int runHealthcheck(const config::GatewayConfig& config, const HealthcheckOptions& options) {
  // Health is proven by traffic: the same exchanges a modality makes, each with a timeout.
  window::TrafficOptions traffic;
  traffic.host = options.host;
  traffic.calling_aet = options.calling_aet;
  traffic.timeout = std::chrono::seconds(options.timeout_seconds);
  if (options.json) {
    const window::HealthReport report =
        window::healthFromOutside(config, traffic, versionText(), true);
    std::cout << json::toJsonLine(window::healthJson(report)) << "\n";
    return report.ok() ? 0 : 1;
  }
  std::string passed;
  std::string failed;
  for (const auto& check : window::trafficChecks(config, traffic)) {
    if (check.ok) {
      passed += " " + check.name + "=" + check.detail;
    } else {
      failed += " " + check.detail + ";";
    }
  }
  // A certificate about to expire does not make the unit unhealthy yet, but is said under
  // the verdict, as at start.
  std::string warnings;
  if (config.pacs.tls_port != 0 || config.mwl.tls_port != 0) {
    for (const auto& soon : dicom::expiringCertificates(config.tls)) {
      warnings += "warning: " + soon.describe() + "\n";
    }
  }
  if (!failed.empty()) {
    std::cout << "unhealthy:" << failed << "\n" << warnings;
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
      "must be in known_aes. A certificate expiring within 30 days is a warning line.\n"
      "With --json, one JSON object: those checks, a real write in each database\n"
      "(PACS_DB_PATH, MWL_DB_PATH), the storage's free space, and from the running\n"
      "process (GET /api/process on GATEWAY_HTTP_PORT, when on) its version, uptime and\n"
      "last association per AE; each failed check names its phase.\n";
  command.footer = "Exit 0 when all answer (all pass), else 1 and one line saying which failed.\n";
  // The exchanges' own timeout is --timeout; the DIMSE timeout bounds each socket read.
  command.settings = operatorWindowSettings();
  command.declare = [](CLI::App& app, CommandLine& command_line) {
    HealthcheckOptions& options = command_line.healthcheck;
    addValueOption(app, "--host", "HOST", "where the gateway runs (default 127.0.0.1)",
                   textInto(options.host));
    addValueOption(app, "--timeout", "SECONDS", "limit of each exchange, 1-300 (default 5)",
                   integerInto(options.timeout_seconds, 1, 300));
    addValueOption(app, "--calling-aet", "AE", "our AE title (default HEALTHCHECK)",
                   aeTitleInto(options.calling_aet));
    addSwitch(app, "--json", "print the structured health report as one JSON object", options.json);
  };
  command.run = runWith(runHealthcheck, &CommandLine::healthcheck);
  return command;
}

}  // namespace gateway::supervisor
