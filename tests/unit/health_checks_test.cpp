#include "services/window/health_checks.h"

#include <gtest/gtest.h>

#include "services/window/status_json.h"
#include "tests/support/temp_dir.h"

namespace gateway::window {
namespace {

TEST(HealthChecks, DiskPassesOnlyWithEnoughFreeSpace) {
  DiskSpace plenty{true, 100ULL << 30, 50ULL << 30, 50.0};
  EXPECT_TRUE(diskCheck(plenty).ok);
  DiskSpace full{true, 100ULL << 30, 50ULL << 20, 0.05};
  const auto low = diskCheck(full);
  EXPECT_FALSE(low.ok);
  EXPECT_EQ(low.phase, "disk");
  EXPECT_NE(low.detail.find("low"), std::string::npos);
  EXPECT_FALSE(diskCheck(DiskSpace{}).ok);
  test::TempDir dir;
  EXPECT_TRUE(diskSpace(dir.path()).known);
  EXPECT_FALSE(diskSpace(dir / "absent").known);
}

TEST(HealthChecks, AWriteCheckNamesItsPhaseAndWhyItFailed) {
  const auto passed = writeCheck("pacs-db-write", [] {});
  EXPECT_TRUE(passed.ok);
  EXPECT_EQ(passed.phase, "database write");
  const auto failed = writeCheck(
      "mwl-db-write", [] { throw std::runtime_error("attempt to write a readonly database"); });
  EXPECT_FALSE(failed.ok);
  EXPECT_EQ(failed.detail, "attempt to write a readonly database");
}

TEST(HealthChecks, AReportIsOkOnlyWhenEveryCheckPasses) {
  HealthReport report;
  EXPECT_FALSE(report.ok());  // nothing proven
  report.checks.push_back({"pacs-echo", true, "C-ECHO", "1ms"});
  EXPECT_TRUE(report.ok());
  report.checks.push_back({"mwl-echo", false, "C-ECHO", "refused"});
  EXPECT_FALSE(report.ok());
  report.version = "1.2.3";
  report.uptime_s = 42;
  const auto json = healthJson(report);
  EXPECT_EQ(json["ok"], false);
  EXPECT_EQ(json["version"], "1.2.3");
  EXPECT_EQ(json["uptime_s"], 42);
  EXPECT_EQ(json["checks"][1]["phase"], "C-ECHO");
  EXPECT_TRUE(json["disk"].contains("free_bytes"));
  EXPECT_TRUE(json["disk"].contains("free_percent"));
}

TEST(HealthChecks, TrafficChecksNameTheServiceThatDidNotAnswer) {
  config::GatewayConfig config;
  config.pacs.port = 1;  // nothing listens there
  config.mwl.port = 1;
  TrafficOptions options;
  options.timeout = std::chrono::seconds(2);
  const auto checks = trafficChecks(config, options);
  ASSERT_EQ(checks.size(), 2u);  // no C-FIND without the worklist's C-ECHO
  EXPECT_EQ(checks[0].name, "pacs-echo");
  EXPECT_FALSE(checks[0].ok);
  EXPECT_NE(checks[0].detail.find("pacs C-ECHO to SCREENING_PACS@127.0.0.1:1"), std::string::npos);
  EXPECT_EQ(checks[1].phase, "C-ECHO");
}

}  // namespace
}  // namespace gateway::window
