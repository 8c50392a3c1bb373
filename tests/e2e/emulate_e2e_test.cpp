// `screening-gateway emulate` against `serve`, both the built binary: what `make demo` does.
#include <gtest/gtest.h>

#include <csignal>

#include "common/dicom_values/current_date.h"
#include "tests/e2e/gateway_process.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {
namespace {

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

class EmulateE2e : public ::testing::Test {
 protected:
  EmulateE2e()
      : env_{{"PACS_PORT", std::to_string(freePort())},
             {"MWL_PORT", std::to_string(freePort())},
             {"PACS_STORAGE_PATH", (dir_ / "storage").string()},
             {"PACS_DB_PATH", (dir_ / "pacs.db").string()},
             {"MWL_DB_PATH", (dir_ / "worklist.db").string()},
             {"GATEWAY_SHUTDOWN_TIMEOUT", "5"}},
        date_(dicom_values::currentDate()) {}

  std::unique_ptr<GatewayProcess> serve() {
    auto process = std::make_unique<GatewayProcess>(std::vector<std::string>{"serve"}, env_,
                                                    dir_ / "gateway.log");
    EXPECT_TRUE(process->waitForLog("ready", std::chrono::seconds(20))) << process->log();
    return process;
  }

  void add(const std::string& accession, const std::string& station) {
    const auto [code, out] = runGateway(
        {"worklist", "add", "--accession-number", accession, "--patient-id", "PID-" + accession,
         "--patient-name", "DOE^JANE", "--patient-birth-date", "19700101", "--scheduled-date",
         date_, "--scheduled-time", "0900", "--modality", "MG", "--scheduled-station-aet", station},
        env_);
    ASSERT_EQ(code, 0) << out;
  }

  TempDir dir_;
  std::vector<std::pair<std::string, std::string>> env_;
  std::string date_;
};

TEST_F(EmulateE2e, OncePerformsTodaysStepsAndExits) {
  auto gateway = serve();
  add("E2E-1", "MAMMO1");
  add("E2E-2", "MAMMO2");

  const auto [code, out] = runGateway({"emulate", "--once", "--calling-aet", "MG_E2E"}, env_);
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(occurrences(out, "images 4/4 stored, MPPS IN PROGRESS -> COMPLETED: ok"), 2u) << out;
  EXPECT_NE(out.find("2 processed, 2 completed, 0 failed"), std::string::npos) << out;

  const auto [list_code, list] =
      runGateway({"worklist", "list", "--date", date_, "--status", "COMPLETED"}, env_);
  EXPECT_EQ(list_code, 0) << list;
  EXPECT_NE(list.find("E2E-1"), std::string::npos) << list;
  EXPECT_NE(list.find("E2E-2"), std::string::npos) << list;
  const auto [verify_code, verify] = runGateway({"verify-storage"}, env_);
  EXPECT_EQ(verify_code, 0) << verify;
  EXPECT_NE(verify.find("checked 8 indexed files"), std::string::npos) << verify;

  // Nothing left: a second pass succeeds without sending anything.
  const auto [again_code, again] = runGateway({"emulate", "--once"}, env_);
  EXPECT_EQ(again_code, 0) << again;
  EXPECT_NE(again.find("0 processed"), std::string::npos) << again;
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(EmulateE2e, PollsForItsStationUntilSigterm) {
  auto gateway = serve();
  GatewayProcess emulator({"emulate", "--interval", "1", "--station-aet", "MAMMO2"}, env_,
                          dir_ / "emulate.log");
  ASSERT_TRUE(emulator.waitForLog("worklist answers", std::chrono::seconds(20))) << emulator.log();
  add("POLL-1", "MAMMO1");  // another station's
  add("POLL-2", "MAMMO2");
  EXPECT_TRUE(emulator.waitForLog("POLL-2 step=POLL-2 station=MAMMO2: images 4/4 stored",
                                  std::chrono::seconds(20)))
      << emulator.log();
  EXPECT_EQ(emulator.stop(SIGTERM, std::chrono::seconds(15)), 0) << emulator.log();
  EXPECT_NE(emulator.log().find("stopped after"), std::string::npos) << emulator.log();
  EXPECT_EQ(emulator.log().find("POLL-1"), std::string::npos) << emulator.log();
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(EmulateE2e, FailsWhenTheGatewayIsNotThere) {
  const auto [code, out] = runGateway({"emulate", "--once", "--timeout", "3"}, env_);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("worklist query failed"), std::string::npos) << out;
}

}  // namespace
}  // namespace gateway::test
