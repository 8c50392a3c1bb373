// `screening-gateway emulate`: plays a mammography modality against the running gateway.
#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <iostream>

#include "services/emulator/modality_emulator.h"
#include "services/supervisor/cli_options.h"
#include "services/supervisor/commands.h"

namespace gateway::supervisor {
namespace {

constexpr const char* kDefaultCallingAet = "EMULATOR";

emulator::EmulatorOptions emulatorOptions(const config::GatewayConfig& config,
                                          const EmulateOptions& given) {
  emulator::EmulatorOptions options;
  options.host = given.host;
  // A service is called over TLS with --tls, or when it has no plain port.
  options.mwl_tls = given.tls || config.mwl.port == 0;
  options.pacs_tls = given.tls || config.pacs.port == 0;
  options.mwl_port = options.mwl_tls ? config.mwl.tls_port : config.mwl.port;
  options.mwl_aet = config.mwl.aet;
  options.pacs_port = options.pacs_tls ? config.pacs.tls_port : config.pacs.port;
  options.pacs_aet = config.pacs.aet;
  options.tls = dicom::selfCallTls(config.tls);
  options.calling_aet = given.calling_aet.value_or(kDefaultCallingAet);
  options.station_aet = given.station_aet;
  options.timeout = given.timeout_seconds ? std::chrono::seconds(*given.timeout_seconds)
                                          : config.network.dimse_timeout;
  return options;
}

// Prints the pass's item lines; the summary too when there was anything to say (a polling
// emulator stays quiet while the worklist has nothing new).
void printPass(const emulator::PassReport& report, bool always_summarise) {
  for (const auto& item : report.items) std::cout << item.line() << "\n";
  if (always_summarise || !report.items.empty() || !report.query_error.empty()) {
    std::cout << "emulate: " << report.summary() << "\n";
  }
  std::cout.flush();
}

int runEmulate(const config::GatewayConfig& config, const EmulateOptions& given) {
  const emulator::EmulatorOptions options = emulatorOptions(config, given);
  if (options.mwl_port == 0 || options.pacs_port == 0) {
    std::cerr << "screening-gateway emulate: --tls needs MWL_TLS_PORT and PACS_TLS_PORT\n";
    return 2;
  }
  emulator::ModalityEmulator modality(options);
  if (given.once) {
    const auto report = modality.runPass();
    printPass(report, true);
    return report.ok() ? 0 : 1;
  }

  // Polling until SIGTERM/SIGINT: the signals are blocked (this command starts no threads)
  // and taken with sigtimedwait between passes, so the worst-case delay of a stop is one
  // item's exchanges, each bounded by the timeout.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);
  const auto stop_pending = [&stop_signals]() {
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1;
  };

  std::cout << "emulate: polling " << options.mwl_aet << "@" << options.host << ":"
            << options.mwl_port << (options.mwl_tls ? " (TLS)" : "") << " every "
            << given.interval_seconds << " s as " << options.calling_aet
            << (options.station_aet.empty() ? "" : " for station " + options.station_aet)
            << "; SIGTERM or Ctrl-C stops" << std::endl;
  std::size_t passes = 0;
  std::size_t processed = 0;
  std::size_t failed = 0;
  std::size_t query_failures = 0;
  bool stopping = false;
  while (!stopping) {
    const auto report = modality.runPass(stop_pending);
    ++passes;
    processed += report.items.size();
    failed += report.failed();
    query_failures += report.query_error.empty() ? 0u : 1u;
    printPass(report, passes == 1);

    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(given.interval_seconds);
    while (true) {
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) break;
      const auto left_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
      timespec wait{};
      wait.tv_sec = static_cast<std::time_t>(left_ns / 1000000000);
      wait.tv_nsec = static_cast<long>(left_ns % 1000000000);
      const int signal_number = sigtimedwait(&stop_signals, nullptr, &wait);
      if (signal_number == SIGTERM || signal_number == SIGINT) {
        stopping = true;
        break;
      }
      if (signal_number < 0 && errno == EAGAIN) break;  // the interval is over
      // EINTR (another signal): wait for the rest of the interval.
    }
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  std::cout << "emulate: stopped after " << passes << " passes: " << processed << " processed, "
            << processed - failed << " completed, " << failed << " failed"
            << (query_failures > 0 ? ", " + std::to_string(query_failures) + " failed queries" : "")
            << std::endl;
  return failed == 0 && query_failures == 0 ? 0 : 1;
}

}  // namespace

CommandDeclaration emulateCommand() {
  CommandDeclaration command;
  command.name = "emulate";
  command.summary = "play a mammography modality: worklist, MPPS, four MG images";
  command.description =
      "Plays a mammography modality against the running gateway at --host, ports and AE\n"
      "titles from the settings (MWL_PORT/MWL_AET, PACS_PORT/PACS_AET). Each pass queries\n"
      "the worklist for today's MG steps (local date; one station's only with\n"
      "--station-aet) and, for each SCHEDULED step: MPPS N-CREATE IN PROGRESS, four\n"
      "synthetic Digital Mammography For Presentation images (LCC, LMLO, RCC, RMLO) with\n"
      "the step's patient, accession and study, C-STORE to the PACS on one association,\n"
      "MPPS N-SET COMPLETED (DISCONTINUED if an image was refused). Images are still sent\n"
      "when MPPS is refused. One line per step, then a summary. Without --once it polls\n"
      "every --interval seconds until SIGTERM/SIGINT; a step is done at most once per run.\n"
      "With --tls (or for a service whose plain port is 0) it calls MWL_TLS_PORT and\n"
      "PACS_TLS_PORT with DICOM TLS, verifying the server as healthcheck does.\n";
  command.footer =
      "Exit 0 when everything attempted succeeded, 1 otherwise (a failed query or step).\n";
  command.settings = {"pacs.aet", "pacs.port",    "pacs.tls_port",         "mwl.aet",
                      "mwl.port", "mwl.tls_port", "network.dimse_timeout", "tls.",
                      "log_level"};
  command.declare = [](CLI::App& app, CommandLine& command_line) {
    EmulateOptions& options = command_line.emulate;
    CLI::Option* once = addSwitch(app, "--once", "one pass, then exit", options.once);
    CLI::Option* interval = addValueOption(app, "--interval", "SECONDS",
                                           "otherwise: a pass every SECONDS, 1-86400 (default 10)",
                                           integerInto(options.interval_seconds, 1, 86400));
    addValueOption(app, "--station-aet", "AE",
                   "only steps scheduled for this station (default: all)",
                   aeTitleInto(options.station_aet));
    addValueOption(app, "--calling-aet", "AE",
                   "our AE title, also the Performed Station AE (default EMULATOR)",
                   optionalAeTitleInto(options.calling_aet));
    addValueOption(app, "--host", "HOST", "where the gateway runs (default 127.0.0.1)",
                   textInto(options.host));
    addSwitch(app, "--tls", "call the TLS ports (PACS_TLS_PORT, MWL_TLS_PORT)", options.tls);
    addValueOption(app, "--timeout", "SECONDS",
                   "connect/ACSE/DIMSE timeout of every exchange, 1-300 (default: the DIMSE "
                   "timeout setting)",
                   optionalIntegerInto(options.timeout_seconds, 1, 300));
    app.callback([once, interval] {
      // --interval would be ignored by a single pass.
      if (once->count() > 0 && interval->count() > 0) {
        throw CLI::ValidationError("--once cannot be combined with --interval");
      }
    });
  };
  command.run = runWith(runEmulate, &CommandLine::emulate);
  return command;
}

}  // namespace gateway::supervisor
