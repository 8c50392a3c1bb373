#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/child_process.h"

namespace gateway::test {

// The built screening-gateway binary as a child process, with its own environment
// (nothing inherited but PATH) and its stderr in a log file.
class GatewayProcess {
 public:
  GatewayProcess(std::vector<std::string> args,
                 std::vector<std::pair<std::string, std::string>> env,
                 std::filesystem::path log_file);
  ~GatewayProcess();  // SIGKILL if still running

  // Waits until the log shows `needle` (e.g. "ready"), or the process exits, or `limit`.
  bool waitForLog(const std::string& needle, std::chrono::seconds limit);
  // Sends a signal and waits for the exit; returns the exit code, -1 on timeout/killed.
  int stop(int signal_number, std::chrono::seconds limit);
  // Waits for the process to exit by itself; returns the exit code, -1 on timeout.
  int waitExit(std::chrono::seconds limit);
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_file_;
};

// Runs the binary to completion (admin commands); returns exit code and output
// (stdout + stderr).
std::pair<int, std::string> runGateway(const std::vector<std::string>& args,
                                       const std::vector<std::pair<std::string, std::string>>& env,
                                       std::chrono::seconds limit = std::chrono::seconds(60));

}  // namespace gateway::test
