#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace gateway::test {

// Runs a program (searched in PATH), waits at most `limit`, kills it past that.
// Returns the exit code, or -1 if it had to be killed or could not start.
// stdout and stderr go to `output_file` when given.
int runProgram(const std::vector<std::string>& argv, std::chrono::seconds limit,
               const std::string& output_file = "");

// The kB value of a "Name:  123 kB" line of /proc/self/status (VmRSS, VmHWM).
long procStatusKb(const char* name);

// A TCP port on 127.0.0.1 that was free a moment ago (for programs that must bind a real
// port themselves: storescp, Orthanc, the gateway binary).
std::uint16_t freePort();

// True once something accepts TCP connections on 127.0.0.1:port, within `limit`.
bool waitForPort(std::uint16_t port, std::chrono::seconds limit);

// A program (searched in PATH) running in the background for a test, its stdout and stderr
// in `output_file`; SIGTERM, then SIGKILL after 5 s, when destroyed.
class BackgroundProgram {
 public:
  BackgroundProgram(const std::vector<std::string>& argv, const std::string& output_file);
  ~BackgroundProgram();
  BackgroundProgram(const BackgroundProgram&) = delete;
  BackgroundProgram& operator=(const BackgroundProgram&) = delete;
  bool running();
  // Sends `signal_number` and waits at most `limit`; the exit code, or -1.
  int stop(int signal_number, std::chrono::seconds limit);

 private:
  int pid_ = -1;
};

}  // namespace gateway::test
