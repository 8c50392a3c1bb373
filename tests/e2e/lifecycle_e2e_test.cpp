// A screening day through the built binary: items added, the emulator plays the modality
// (worklist, MPPS, four images), the daily reset while serving, and health by traffic.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <signal.h>

#include "common/dicom_values/current_date.h"
#include "tests/e2e/gateway_process.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

class LifecycleE2e : public ::testing::Test {
 protected:
  LifecycleE2e() {
    env_ = {{"PACS_PORT", std::to_string(freePort())},
            {"MWL_PORT", std::to_string(freePort())},
            {"PACS_STORAGE_PATH", (dir_ / "storage").string()},
            {"PACS_DB_PATH", (dir_ / "pacs.db").string()},
            {"MWL_DB_PATH", (dir_ / "worklist.db").string()},
            {"GATEWAY_SHUTDOWN_TIMEOUT", "5"}};
  }

  std::unique_ptr<GatewayProcess> start() {
    auto gateway = std::make_unique<GatewayProcess>(std::vector<std::string>{"serve"}, env_,
                                                    dir_ / "gateway.log");
    EXPECT_TRUE(gateway->waitForLog("ready", std::chrono::seconds(20))) << gateway->log();
    return gateway;
  }

  void addItem(const std::string& accession, const std::string& station = "MAMMO1") {
    const auto [code, out] = runGateway({"worklist",
                                         "add",
                                         "--accession-number",
                                         accession,
                                         "--patient-id",
                                         "P-" + accession,
                                         "--patient-name",
                                         "DOE^JANE",
                                         "--patient-birth-date",
                                         "19700101",
                                         "--patient-sex",
                                         "F",
                                         "--scheduled-date",
                                         dicom_values::currentDate(),
                                         "--scheduled-time",
                                         "090000",
                                         "--modality",
                                         "MG",
                                         "--scheduled-station-aet",
                                         station,
                                         "--study-description",
                                         "Screening mammography"},
                                        env_);
    ASSERT_EQ(code, 0) << out;
  }

  TempDir dir_;
  Env env_;
};

TEST_F(LifecycleE2e, EmulatorCompletesTheDayAndImagesAreStored) {
  auto gateway = start();
  addItem("DAY-1");
  addItem("DAY-2");
  addItem("OTHER-STATION", "MAMMO9");

  const auto [code, out] =
      runGateway({"emulate", "--once", "--calling-aet", "MAMMO1", "--station-aet", "MAMMO1"}, env_,
                 std::chrono::seconds(120));
  ASSERT_EQ(code, 0) << out;

  const auto [list_code, list] = runGateway({"worklist", "list", "--json"}, env_);
  ASSERT_EQ(list_code, 0) << list;
  SQLite::Database worklist((dir_ / "worklist.db").string(), SQLite::OPEN_READONLY);
  auto status = [&](const std::string& accession) {
    SQLite::Statement q(worklist,
                        "SELECT status, mpps_instance_uid FROM worklist_items WHERE "
                        "accession_number = ?");
    q.bind(1, accession);
    return q.executeStep() ? q.getColumn(0).getString() + "|" + (q.isColumnNull(1) ? "" : "mpps")
                           : std::string("(none)");
  };
  EXPECT_EQ(status("DAY-1"), "COMPLETED|mpps");
  EXPECT_EQ(status("DAY-2"), "COMPLETED|mpps");
  EXPECT_EQ(status("OTHER-STATION"), "SCHEDULED|");

  SQLite::Database pacs((dir_ / "pacs.db").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(pacs.execAndGet("SELECT COUNT(*) FROM stored_instances WHERE worklist_accession IN "
                            "('DAY-1','DAY-2') AND modality = 'MG'")
                .getInt(),
            8);  // four views each
  EXPECT_EQ(pacs.execAndGet("SELECT COUNT(DISTINCT image_laterality || view_position) FROM "
                            "stored_instances WHERE worklist_accession = 'DAY-1'")
                .getInt(),
            4);  // LCC, LMLO, RCC, RMLO
  const auto [verify_code, verify_out] = runGateway({"verify-storage"}, env_);
  EXPECT_EQ(verify_code, 0) << verify_out;
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0);
}

TEST_F(LifecycleE2e, DailyResetWhileServingBacksUpAndClears) {
  auto gateway = start();
  addItem("R-1");
  addItem("R-2");
  const auto backups = dir_ / "backups";
  const auto [code, out] =
      runGateway({"worklist", "reset", "--backup-dir", backups.string(), "--keep", "3"}, env_);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("cleared 2 item(s)"), std::string::npos) << out;

  std::filesystem::path backup;
  for (const auto& entry : std::filesystem::directory_iterator(backups)) backup = entry.path();
  ASSERT_FALSE(backup.empty());
  SQLite::Database copy(backup.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(copy.execAndGet("SELECT COUNT(*) FROM worklist_items").getInt(), 2);

  const auto [list_code, list] = runGateway({"worklist", "list", "--json"}, env_);
  EXPECT_EQ(list_code, 0);
  EXPECT_EQ(list.find("R-1"), std::string::npos) << list;
  // The running server keeps answering, and sees what is added after the reset.
  const auto [health_code, health] = runGateway({"healthcheck"}, env_);
  EXPECT_EQ(health_code, 0) << health;
  addItem("R-3");
  const auto [list2_code, list2] = runGateway({"worklist", "list", "--json"}, env_);
  EXPECT_NE(list2.find("R-3"), std::string::npos) << list2;
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0);
}

TEST_F(LifecycleE2e, HealthcheckProvesBothServicesByTraffic) {
  {
    auto gateway = start();
    const auto [code, out] = runGateway({"healthcheck", "--timeout", "5"}, env_);
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("pacs-echo"), std::string::npos) << out;
    EXPECT_NE(out.find("mwl-find"), std::string::npos) << out;
    EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0);
  }
  const auto [code, out] = runGateway({"healthcheck", "--timeout", "2"}, env_);
  EXPECT_EQ(code, 1);
  EXPECT_NE(out.find("unhealthy"), std::string::npos) << out;
  EXPECT_NE(out.find("pacs C-ECHO"), std::string::npos) << out;
  EXPECT_NE(out.find("mwl C-ECHO"), std::string::npos) << out;
}

}  // namespace
}  // namespace gateway::test
