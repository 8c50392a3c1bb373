#include "services/supervisor/command_line.h"

#include <gtest/gtest.h>

namespace gateway::supervisor {
namespace {

ParseResult parse(const std::vector<std::string>& args) { return parseCommandLine(args, {}); }

TEST(CommandLine, ServesByDefault) {
  const auto r = parse({});
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(r.command_line.command, "serve");
  EXPECT_FALSE(r.command_line.command_given);
}

TEST(CommandLine, ReadsCommandOptionsAndSettingFlags) {
  const auto r = parse({"healthcheck", "--host", "10.0.0.5", "--timeout=3", "--pacs-port=4300",
                        "--config", "/etc/gw.yaml"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.command_line.command, "healthcheck");
  EXPECT_EQ(r.command_line.healthcheck.host, "10.0.0.5");
  EXPECT_EQ(r.command_line.healthcheck.timeout_seconds, 3);
  ASSERT_EQ(r.command_line.sources.flags.size(), 1u);
  EXPECT_EQ(r.command_line.sources.flags[0].first, "--pacs-port");
  EXPECT_EQ(r.command_line.sources.flags[0].second, "4300");
  EXPECT_EQ(r.command_line.sources.yaml_file, std::filesystem::path("/etc/gw.yaml"));
}

TEST(CommandLine, RejectsUnknownOptionsAndMissingValues) {
  EXPECT_NE(parse({"--bogus"}).error.find("unknown option --bogus"), std::string::npos);
  EXPECT_NE(parse({"--pacs-port"}).error.find("needs a value"), std::string::npos);
  EXPECT_NE(parse({"serve", "extra"}).error.find("unexpected argument"), std::string::npos);
  EXPECT_NE(parse({"healthcheck", "--timeout", "0"}).error.find("--timeout"), std::string::npos);
}

TEST(CommandLine, HelpIsPerCommand) {
  const auto r = parse({"verify-storage", "--help"});
  EXPECT_TRUE(r.command_line.help);
  EXPECT_NE(commandHelp("verify-storage").find("--json"), std::string::npos);
  EXPECT_NE(commandHelp("serve").find("PACS_STORAGE_PATH"), std::string::npos);
  EXPECT_NE(usageText().find("healthcheck"), std::string::npos);
}

}  // namespace
}  // namespace gateway::supervisor
