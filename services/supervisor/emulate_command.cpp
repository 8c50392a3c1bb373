#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <iostream>

#include "services/emulator/modality_emulator.h"
#include "services/supervisor/commands.h"

namespace gateway::supervisor {
namespace {

constexpr const char* kDefaultCallingAet = "EMULATOR";

emulator::EmulatorOptions emulatorOptions(const config::GatewayConfig& config,
                                          const CommandLine& command_line) {
  emulator::EmulatorOptions options;
  options.host = command_line.host;
  options.mwl_port = config.mwl.port;
  options.mwl_aet = config.mwl.aet;
  options.pacs_port = config.pacs.port;
  options.pacs_aet = config.pacs.aet;
  options.calling_aet =
      command_line.calling_aet_given ? command_line.calling_aet : std::string(kDefaultCallingAet);
  options.station_aet = command_line.station_aet;
  options.timeout = command_line.timeout_given ? std::chrono::seconds(command_line.timeout_seconds)
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

}  // namespace

int runEmulate(const config::GatewayConfig& config, const CommandLine& command_line) {
  const emulator::EmulatorOptions options = emulatorOptions(config, command_line);
  emulator::ModalityEmulator modality(options);
  if (command_line.once) {
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
            << options.mwl_port << " every " << command_line.interval_seconds << " s as "
            << options.calling_aet
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
        std::chrono::steady_clock::now() + std::chrono::seconds(command_line.interval_seconds);
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

}  // namespace gateway::supervisor
