#include "tests/e2e/gdcmscu_runner.h"

#include <chrono>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {

int runGdcmscu(const std::vector<std::string>& args, const std::filesystem::path& log) {
  std::string command = "exec gdcmscu";
  for (const auto& a : args) command += " '" + a + "'";
  const auto status_file = log.string() + ".status";
  const int rc =
      runProgram({"sh", "-c", "sh -c \"" + command + "\"; echo $? > '" + status_file + "'"},
                 std::chrono::seconds(30), log.string());
  if (rc != 0) return -1;
  return std::stoi(readFileBytes(status_file));
}

}  // namespace gateway::test
