#include <csignal>
#include <cstring>
#include <iostream>
#include <memory>

#include "common/config/config_loader.h"
#include "common/logging/logging.h"
#include "services/pacs/pacs_service.h"
#include "services/supervisor/commands.h"

namespace gateway::supervisor {

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
  const auto problems = config::prepareWritablePaths(config, true, false);
  if (!problems.empty()) {
    for (const auto& p : problems) std::cerr << "screening-gateway: " << p << "\n";
    return 2;
  }

  std::unique_ptr<pacs::PacsService> pacs_service;
  try {
    pacs_service = std::make_unique<pacs::PacsService>(config);
    pacs_service->start();
  } catch (const std::exception& e) {
    log->critical("start-up failed: {}", e.what());
    std::cerr << "screening-gateway: start-up failed: " << e.what() << "\n";
    return 1;
  }
  // The worklist service (MWL/MPPS) joins here, on its own server and threads, once built.
  log->info("ready pacs_port={} pacs_aet={}", pacs_service->port(), config.pacs.aet);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log->info("stopping signal={} grace_s={}", strsignal(signal_number),
            config.network.shutdown_timeout.count());
  pacs_service->stop(config.network.shutdown_timeout);
  pacs_service.reset();  // closes the index
  log->info("stopped");
  return 0;
}

}  // namespace gateway::supervisor
