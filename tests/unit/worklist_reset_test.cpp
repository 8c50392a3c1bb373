// The daily reset over a real temp worklist database, and the scheduler's clock arithmetic.
#include "services/mwl/worklist_reset.h"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <fstream>

#include "services/supervisor/reset_scheduler.h"
#include "tests/support/temp_dir.h"
#include "tests/support/worklist_fixtures.h"

namespace gateway::mwl {
namespace {

WorklistItem item(const std::string& accession) { return test::validWorklistItem(accession); }

ResetOptions options(const std::filesystem::path& backup_dir, int keep_backups) {
  ResetOptions options;
  options.backup_dir = backup_dir;
  options.keep_backups = keep_backups;
  return options;
}

TEST(WorklistReset, BacksUpThenClearsTheDay) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  test::importItems(store, {item("A1"), item("A2"), item("A3")});
  const auto report = resetWorklist(store, options(dir / "backups", 7));
  EXPECT_EQ(report.items_removed, 3);
  EXPECT_EQ(store.count(), 0);
  ASSERT_TRUE(std::filesystem::exists(report.backup_file));
  EXPECT_EQ(report.backup_file.extension(), ".db");
  SQLite::Database backup(report.backup_file.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(backup.execAndGet("SELECT COUNT(*) FROM worklist_items").getInt(), 3);
  EXPECT_EQ(backup.execAndGet("PRAGMA user_version").getInt(),
            static_cast<int>(mwlMigrations().size()));  // the whole schema
  EXPECT_TRUE(test::countFiles(dir / "backups") == 1);  // no .part left behind
}

TEST(WorklistReset, KeepsOnlyTheNewestBackups) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  std::filesystem::create_directories(dir / "backups");
  for (const char* old : {"worklist-20261101-000000.db", "worklist-20261102-000000.db",
                          "worklist-20261103-000000.db"}) {
    std::ofstream(dir / "backups" / old) << "old";
  }
  std::ofstream(dir / "backups" / "notes.txt") << "not a backup";
  const auto report = resetWorklist(store, options(dir / "backups", 2));
  EXPECT_EQ(report.pruned.size(), 2u);
  const auto left = listBackups(dir / "backups");
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].filename(), "worklist-20261103-000000.db");
  EXPECT_EQ(left[1], report.backup_file);
  EXPECT_TRUE(std::filesystem::exists(dir / "backups" / "notes.txt"));
}

TEST(ResetSchedule, WaitsUntilTheNextOccurrence) {
  using supervisor::untilNext;
  EXPECT_EQ(untilNext(0, 0, 0).count(), 24 * 3600);  // exactly now: tomorrow
  EXPECT_EQ(untilNext(23 * 3600 + 59 * 60, 0, 0).count(), 60);
  EXPECT_EQ(untilNext(6 * 3600, 7, 30).count(), 5400);
  EXPECT_EQ(untilNext(8 * 3600, 7, 30).count(), 24 * 3600 - 1800);
}

}  // namespace
}  // namespace gateway::mwl
