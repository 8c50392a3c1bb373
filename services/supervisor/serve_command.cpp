#include <csignal>
#include <cstring>
#include <iostream>
#include <memory>
#include <thread>

#include "common/config/config_loader.h"
#include "common/dicom/known_ae_target.h"
#include "common/dicom/tls_credentials.h"
#include "common/logging/logging.h"
#include "common/process/instance_lock.h"
#include "services/mwl/mwl_service.h"
#include "services/pacs/pacs_service.h"
#include "services/supervisor/commands.h"
#include "services/supervisor/reset_scheduler.h"
#include "services/supervisor/worklist_link.h"
#include "services/window/operator_window.h"
#include "services/window/service_metrics.h"

namespace gateway::supervisor {

CommandDeclaration serveCommand() {
  CommandDeclaration command;
  command.name = "serve";
  command.summary = "run the worklist/MPPS and storage services until SIGTERM/SIGINT (the default)";
  command.description =
      "Starts, on separate threads, the worklist service (C-ECHO, Modality Worklist\n"
      "C-FIND, MPPS N-CREATE/N-SET) on MWL_PORT as MWL_AET and the PACS storage SCP\n"
      "(C-ECHO, C-STORE) on PACS_PORT as PACS_AET; each also on its DICOM TLS port\n"
      "(MWL_TLS_PORT, PACS_TLS_PORT) when set. PACS_ACCESS/MWL_ACCESS and known_aes\n"
      "say who may associate. Before the ports open, leftover\n"
      "temporary files are removed, files without an index row are indexed and rows\n"
      "without a file are marked MISSING. With MWL_RESET_AT=HH:MM the worklist is backed\n"
      "up and cleared daily at that time. The operator's window (status page, JSON API,\n"
      "/metrics) listens on GATEWAY_HTTP_PORT at GATEWAY_HTTP_BIND (0: off).\n"
      "Stored images are queued for each forwarding destination (FORWARD_DICOM,\n"
      "FORWARD_STOW_URL or the YAML forward list) and sent in the background with\n"
      "retries; PACS_RETENTION_DAYS / PACS_MIN_FREE_PERCENT purge only images every\n"
      "destination has (storage purge --dry-run shows what would go).\n"
      "SIGTERM/SIGINT: stop accepting, let transfers finish (shutdown_timeout) and the\n"
      "image being forwarded, exit 0.\n";
  command.footer =
      "Exit 0 after a clean stop, 1 when a service cannot start, 2 for invalid settings.\n";
  command.settings = {"*"};
  command.run = [](const config::GatewayConfig& config, const CommandLine&) {
    return runServe(config);
  };
  command.logs_at_configured_level = true;
  return command;
}

int runServe(const config::GatewayConfig& config) {
  logging::setThreadName("supervisor");
  auto log = logging::supervisor();
  // Signals are blocked before any thread starts, so every thread inherits the mask and
  // only sigwait() below ever sees SIGTERM/SIGINT. SIGPIPE is ignored: a peer that vanishes
  // mid-response must fail a write, not kill the process.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  for (const auto& [key, value] : config::describe(config)) {
    logging::config()->info("setting {}={}", key, value);
  }
  auto problems = config::prepareWritablePaths(config, true, true);
  // The TLS credentials, before anything is opened: a missing file, a key that is not the
  // certificate's, or an expired certificate is a configuration error.
  if (config.pacs.tls_port != 0 || config.mwl.tls_port != 0) {
    const auto tls = dicom::checkTlsFiles(config.tls);
    problems.insert(problems.end(), tls.problems.begin(), tls.problems.end());
    for (const auto& warning : tls.warnings) logging::config()->warn("tls {}", warning);
  }
  if (!problems.empty()) {
    for (const auto& p : problems) std::cerr << "screening-gateway: " << p << "\n";
    return 2;
  }

  // One serving instance per storage and database: taken before anything is opened, so a
  // second `serve` changes nothing (reconciliation would delete a live instance's transfers).
  std::vector<std::unique_ptr<process::InstanceLock>> locks;
  try {
    locks.push_back(std::make_unique<process::InstanceLock>(
        config.pacs.storage_path / ".gateway.lock",
        "this storage (" + config.pacs.storage_path.string() + ")"));
    for (const auto& db : {config.pacs.db_path, config.mwl.db_path}) {
      locks.push_back(std::make_unique<process::InstanceLock>(
          db.string() + ".lock", "this database (" + db.string() + ")"));
    }
  } catch (const std::exception& e) {
    log->critical("start-up refused: {}", e.what());
    std::cerr << "screening-gateway: " << e.what() << "\n";
    return 2;
  }

  // Both services are opened (databases, reconciliation) before either port opens, so a
  // start-up failure leaves nothing half started.
  // The metrics are fed by both servers' edges, so they exist before either and outlive both.
  window::ServiceMetrics metrics;
  std::unique_ptr<mwl::MwlService> mwl_service;
  std::unique_ptr<WorklistLink> worklist_link;
  std::unique_ptr<pacs::PacsService> pacs_service;
  std::unique_ptr<window::OperatorWindow> operator_window;
  try {
    mwl_service = std::make_unique<mwl::MwlService>(config, std::nullopt, &metrics);
    worklist_link = std::make_unique<WorklistLink>(mwl_service->lifecycle());
    // Commitment reports on a new association go where the table of known AEs says.
    auto known_aes = std::make_shared<const dicom::RemoteAeTable>(config.known_aes);
    pacs_service = std::make_unique<pacs::PacsService>(
        config, std::nullopt, worklist_link.get(),
        [known_aes, &config](const std::string& aet) {
          return dicom::knownAeTarget(*known_aes, aet, config.tls);
        },
        &metrics);
    if (config.http.port != 0) {
      operator_window = std::make_unique<window::OperatorWindow>(
          config,
          window::OperatorWindow::Services{mwl_service->store(), mwl_service->lifecycle(),
                                           pacs_service->index(), metrics},
          versionText());
    }
    pacs_service->start();
    metrics.addService("pacs", config.pacs.aet, pacs_service->port());
    mwl_service->start();
    metrics.addService("mwl", config.mwl.aet, mwl_service->port());
    if (operator_window) operator_window->start();
  } catch (const std::exception& e) {
    log->critical("start-up failed: {}", e.what());
    std::cerr << "screening-gateway: start-up failed: " << e.what() << "\n";
    if (operator_window) operator_window->stop();
    if (mwl_service) mwl_service->stop(std::chrono::seconds(0));
    if (pacs_service) pacs_service->stop(std::chrono::seconds(0));
    return 1;
  }
  ResetScheduler reset_scheduler(config.mwl, mwl_service->store());
  reset_scheduler.start();
  log->info(
      "ready pacs_port={} pacs_tls_port={} pacs_aet={} mwl_port={} mwl_tls_port={} mwl_aet={} "
      "http_port={}",
      pacs_service->port(), pacs_service->tlsPort(), config.pacs.aet, mwl_service->port(),
      mwl_service->tlsPort(), config.mwl.aet, operator_window ? operator_window->port() : 0);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log->info("stopping signal={} grace_s={}", strsignal(signal_number),
            config.network.shutdown_timeout.count());
  reset_scheduler.stop();
  // The window first: it reads both services' stores.
  if (operator_window) operator_window->stop();
  operator_window.reset();
  // Both stop accepting at once; each then gets the grace period for its transfers.
  std::thread mwl_stopper([&] { mwl_service->stop(config.network.shutdown_timeout); });
  pacs_service->stop(config.network.shutdown_timeout);
  mwl_stopper.join();
  pacs_service.reset();  // closes the index
  mwl_service.reset();   // closes the worklist database
  log->info("stopped");
  return 0;
}

}  // namespace gateway::supervisor
