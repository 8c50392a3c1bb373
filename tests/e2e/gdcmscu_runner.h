#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace gateway::test {

// gdcmscu 3.0.21 (Debian 12) prints its answers only once the association is released, and
// aborts inside the release with every SCP ("ProtocolStream as nullptr is invalid": seen with
// DCMTK's storescp and Orthanc too), so what it prints cannot be relied on: tests check the
// gateway's (or the destination's) side instead. Runs gdcmscu with `args` (output in `log`,
// at most 30 s) and returns its exit status, through a shell so an abort is 134, not a
// timeout; -1 when it had to be killed.
int runGdcmscu(const std::vector<std::string>& args, const std::filesystem::path& log);

}  // namespace gateway::test
