#pragma once

#include <chrono>
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

}  // namespace gateway::test
