// The daily reset scheduler's thread against a real worklist database, with a test clock.
#include "services/supervisor/reset_scheduler.h"

#include <gtest/gtest.h>

#include <thread>

#include "services/mwl/worklist_reset.h"
#include "tests/support/temp_dir.h"
#include "tests/support/worklist_fixtures.h"

namespace gateway::mwl {
namespace {

WorklistItem item(const std::string& accession) { return test::validWorklistItem(accession); }

TEST(ResetSchedule, RunsTheResetWhenItsTimeComesAndStopsAtOnce) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  test::importItems(store, {item("A1")});
  config::MwlSettings settings;
  settings.reset_at = "00:00";
  settings.backup_dir = dir / "backups";
  // One second before midnight.
  supervisor::ResetScheduler scheduler(settings, store, [] { return 24 * 3600 - 1; });
  scheduler.start();
  for (int i = 0; i < 500 && scheduler.resetsDoneForTest() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto started = std::chrono::steady_clock::now();
  scheduler.stop();  // sleeping until the next midnight: must wake at once
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
  EXPECT_EQ(scheduler.resetsDoneForTest(), 1);
  EXPECT_EQ(store.count(), 0);
  EXPECT_EQ(listBackups(dir / "backups").size(), 1u);
}

}  // namespace
}  // namespace gateway::mwl
