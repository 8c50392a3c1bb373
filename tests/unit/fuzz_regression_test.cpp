// Every seed of every fuzzer, and every input a fuzzer ever crashed on (fuzz/regressions/),
// replayed through the same entry points in the normal build: a crash fixed stays fixed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <vector>

#include "fuzz/fuzz_targets.h"

namespace gateway::test {
namespace {

namespace fs = std::filesystem;
using Target = std::function<int(const std::uint8_t*, std::size_t)>;

const std::map<std::string, Target>& targets() {
  static const std::map<std::string, Target> all = {
      {"dataset_scanner", fuzz::datasetScanner},
      {"worklist_query", fuzz::worklistQuery},
      {"mpps_dataset", fuzz::mppsDataset},
      {"worklist_import", fuzz::worklistImport},
  };
  return all;
}

std::vector<fs::path> inputsOf(const std::string& target) {
  std::vector<fs::path> files;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = fs::path(GATEWAY_SOURCE_DIR) / "fuzz" / kind / target;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && entry.path().filename().string().front() != '.') {
        files.push_back(entry.path());
      }
    }
  }
  return files;
}

class FuzzRegression : public ::testing::TestWithParam<std::string> {};

TEST_P(FuzzRegression, ReplaysEverySeedAndEveryPastCrash) {
  const auto files = inputsOf(GetParam());
  ASSERT_FALSE(files.empty()) << "no seed corpus for " << GetParam();
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    SCOPED_TRACE(file.string());
    EXPECT_EQ(targets().at(GetParam())(bytes.data(), bytes.size()), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzRegression,
                         ::testing::Values("dataset_scanner", "worklist_query", "mpps_dataset",
                                           "worklist_import"));

}  // namespace
}  // namespace gateway::test
