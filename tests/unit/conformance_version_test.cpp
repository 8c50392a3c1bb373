// The conformance statement names the build it describes: its version is the CMake project
// VERSION, and its Implementation Version Name the one the PACS writes into every file.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "services/pacs/storage_sop_classes.h"

namespace gateway {
namespace {

std::string readSource(const std::string& relative) {
  std::ifstream in(std::string(GATEWAY_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << relative << " is missing or empty";
  return text.str();
}

std::string firstMatch(const std::string& text, const std::regex& pattern) {
  std::smatch match;
  return std::regex_search(text, match, pattern) ? match[1].str() : std::string();
}

TEST(ConformanceStatement, StatesTheVersionOfTheBuild) {
  const std::string build = firstMatch(readSource("CMakeLists.txt"),
                                       std::regex(R"(project\s*\(\s*\w+\s+VERSION\s+([0-9.]+))"));
  ASSERT_FALSE(build.empty()) << "no VERSION in project() of CMakeLists.txt";
  const std::string statement = readSource("docs/conformance-statement.md");
  const std::string stated =
      firstMatch(statement, std::regex(R"(^# DICOM Conformance Statement\D*([0-9][0-9.]*))"));
  EXPECT_EQ(stated, build) << "the title of docs/conformance-statement.md names another version";
}

TEST(ConformanceStatement, StatesTheImplementationVersionNameFilesCarry) {
  const std::string statement = readSource("docs/conformance-statement.md");
  const std::string stated =
      firstMatch(statement, std::regex(R"(\| Implementation Version Name \| ([^ |]+) \|)"));
  EXPECT_EQ(stated, pacs::kImplementationVersionName);
}

}  // namespace
}  // namespace gateway
