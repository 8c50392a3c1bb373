#include "common/config/config_loader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.h"

namespace gateway::config {
namespace {

using test::TempDir;

std::filesystem::path writeYaml(const TempDir& dir, const std::string& text) {
  const auto path = dir / "gateway.yaml";
  std::ofstream(path) << text;
  return path;
}

std::string problemsOf(const ConfigSources& sources) {
  try {
    loadConfig(sources);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigLoader, UsesTheSeedDefaults) {
  const GatewayConfig c = loadConfig({});
  EXPECT_EQ(c.pacs.aet, "SCREENING_PACS");
  EXPECT_EQ(c.pacs.port, 4244);
  EXPECT_EQ(c.pacs.storage_path, "/var/lib/pacs/storage");
  EXPECT_EQ(c.pacs.db_path, "/var/lib/pacs/pacs.db");
  EXPECT_EQ(c.mwl.aet, "MWL_SCP");
  EXPECT_EQ(c.mwl.port, 4243);
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.pacs.duplicate_policy, DuplicatePolicy::kKeepFirst);
}

TEST(ConfigLoader, FlagBeatsEnvironmentBeatsYamlBeatsDefault) {
  TempDir dir;
  ConfigSources sources;
  sources.yaml_file = writeYaml(dir,
                                "pacs:\n  port: 1001\n  aet: FROM_YAML\n  db_path: /y/pacs.db\n"
                                "log_level: debug\n");
  sources.environment = {{"PACS_PORT", "1002"}, {"PACS_AET", "FROM_ENV"}};
  sources.flags = {{"--pacs-port", "1003"}};
  const GatewayConfig c = loadConfig(sources);
  EXPECT_EQ(c.pacs.port, 1003);             // flag
  EXPECT_EQ(c.pacs.aet, "FROM_ENV");        // environment over YAML
  EXPECT_EQ(c.pacs.db_path, "/y/pacs.db");  // YAML over default
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.mwl.port, 4243);  // default
}

TEST(ConfigLoader, ReportsEveryProblemNamingItsSetting) {
  ConfigSources sources;
  sources.environment = {
      {"PACS_PORT", "70000"}, {"PACS_AET", "THIS_AE_TITLE_IS_TOO_LONG"}, {"LOG_LEVEL", "chatty"}};
  sources.flags = {{"--mwl-aet", "BAD\\AE"}};
  const std::string text = problemsOf(sources);
  EXPECT_NE(text.find("PACS_PORT"), std::string::npos) << text;
  EXPECT_NE(text.find("PACS_AET"), std::string::npos) << text;
  EXPECT_NE(text.find("LOG_LEVEL"), std::string::npos) << text;
  EXPECT_NE(text.find("--mwl-aet"), std::string::npos) << text;
}

TEST(ConfigLoader, RejectsUnknownYamlKeysAndBadYaml) {
  TempDir dir;
  ConfigSources sources;
  sources.yaml_file = writeYaml(dir, "pacs:\n  prot: 4244\n");
  EXPECT_NE(problemsOf(sources).find("unknown key 'pacs.prot'"), std::string::npos);
  sources.yaml_file = writeYaml(dir, "pacs: [unclosed\n");
  EXPECT_NE(problemsOf(sources).find("line"), std::string::npos);
  sources.yaml_file = dir / "missing.yaml";
  EXPECT_NE(problemsOf(sources).find("cannot be read"), std::string::npos);
}

TEST(ConfigLoader, RejectsTheSamePortForBothServices) {
  ConfigSources sources;
  sources.environment = {{"PACS_PORT", "4243"}};
  EXPECT_NE(problemsOf(sources).find("different ports"), std::string::npos);
}

TEST(ConfigLoader, ParsesListsFromYamlAndEnvironment) {
  TempDir dir;
  ConfigSources sources;
  sources.yaml_file = writeYaml(dir,
                                "pacs:\n  allowed_sop_classes:\n    - 1.2.840.10008.5.1.4.1.1.1.2\n"
                                "    - 1.2.840.10008.5.1.4.1.1.7\n");
  EXPECT_EQ(loadConfig(sources).pacs.allowed_sop_classes.size(), 2u);
  sources.environment = {{"PACS_ALLOWED_SOP_CLASSES", "1.2.3, 1.2.4 ,1.2.5"}};
  EXPECT_EQ(loadConfig(sources).pacs.allowed_sop_classes,
            (std::vector<std::string>{"1.2.3", "1.2.4", "1.2.5"}));
  sources.environment = {{"PACS_ALLOWED_SOP_CLASSES", "1.2.3,MG"}};
  EXPECT_NE(problemsOf(sources).find("PACS_ALLOWED_SOP_CLASSES"), std::string::npos);
}

TEST(ConfigLoader, LoadsTheShippedExampleConfig) {
  ConfigSources sources;
  sources.yaml_file = std::filesystem::path(GATEWAY_SOURCE_DIR) / "config/gateway.example.yaml";
  const GatewayConfig c = loadConfig(sources);
  const GatewayConfig defaults;
  // The example documents the defaults; if either drifts, this fails.
  EXPECT_EQ(describe(c), describe(defaults));
}

TEST(ConfigLoader, ReportsUnwritableStoragePathsBeforeStart) {
  TempDir dir;
  std::ofstream(dir / "a-file") << "x";
  GatewayConfig c;
  c.pacs.storage_path = dir / "a-file" / "storage";  // below a regular file: cannot exist
  c.pacs.db_path = dir / "pacs.db";
  const auto problems = prepareWritablePaths(c, true, false);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("PACS_STORAGE_PATH"), std::string::npos) << problems[0];
}

}  // namespace
}  // namespace gateway::config
