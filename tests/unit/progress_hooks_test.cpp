// The progress callbacks of long work: verify-storage's files and bytes, the bulk insert of
// `worklist import`, and the paged backup of `worklist reset`. Each reaches its total.
#include <gtest/gtest.h>

#include <filesystem>

#include "services/mwl/worklist_feed.h"
#include "services/mwl/worklist_reset.h"
#include "services/mwl/worklist_store.h"
#include "services/pacs/storage_path.h"
#include "services/pacs/storage_verifier.h"
#include "tests/support/archived_objects.h"
#include "tests/support/temp_dir.h"
#include "tests/support/worklist_fixtures.h"

namespace gateway {
namespace {

TEST(VerifyStorageProgress, CountsEveryIndexedFileAndItsBytes) {
  test::TempDir dir;
  pacs::FileStore store(dir / "storage");
  pacs::InstanceIndex index(dir / "pacs.db");
  const auto uids = test::archiveObjects(store, index, 3);
  std::filesystem::remove(store.absolute(pacs::storagePathFor(uids[1])));  // still counted

  std::vector<pacs::VerifyProgress> seen;
  const auto report = pacs::verifyStorage(
      store, index, [&seen](const pacs::VerifyProgress& p) { seen.push_back(p); });
  EXPECT_EQ(report.problems.size(), 1u);
  ASSERT_EQ(seen.size(), 4u);  // before each file, and done
  std::uint64_t expected_bytes = 0;
  index.forEach([&expected_bytes](const pacs::StoredInstance& row) {
    expected_bytes += static_cast<std::uint64_t>(row.file_size);
  });
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].files_done, i);
    EXPECT_EQ(seen[i].files_total, 3u);
    EXPECT_EQ(seen[i].bytes_total, expected_bytes);
    if (i > 0) {
      EXPECT_GT(seen[i].bytes_done, seen[i - 1].bytes_done);
    }
  }
  EXPECT_EQ(seen.back().bytes_done, expected_bytes);
  // Without a callback the report is the same.
  EXPECT_EQ(pacs::verifyStorage(store, index).problems.size(), 1u);
}

TEST(WorklistImportProgress, ReportsEachInsertedItem) {
  test::TempDir dir;
  mwl::WorklistStore store(dir / "worklist.db");
  std::vector<mwl::WorklistItem> items;
  for (int i = 0; i < 5; ++i) items.push_back(test::validWorklistItem("A" + std::to_string(i)));
  std::vector<std::pair<std::uint64_t, std::uint64_t>> seen;
  mwl::WorklistImport import;
  for (std::size_t i = 0; i < items.size(); ++i) import.items.push_back({items[i], i + 1, 0, false});
  const auto result =
      mwl::WorklistFeed(store).import(import, false, [&seen](std::size_t done, std::size_t total) {
        seen.emplace_back(done, total);
      });
  EXPECT_TRUE(result.written);
  ASSERT_EQ(seen.size(), 5u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i], std::make_pair(static_cast<std::uint64_t>(i + 1), std::uint64_t{5}));
  }
  EXPECT_EQ(store.count(), 5);
}

TEST(WorklistResetProgress, FollowsTheBackupPageByPage) {
  test::TempDir dir;
  mwl::WorklistStore store(dir / "worklist.db");
  std::vector<mwl::WorklistItem> items;
  // Enough rows for several backup steps of 1024 pages.
  for (int i = 0; i < 20000; ++i) {
    auto item = test::validWorklistItem("ACC" + std::to_string(i));
    item.study_description = std::string(64, 'x');
    items.push_back(item);
  }
  test::importItems(store, items);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> seen;
  mwl::ResetOptions options;
  options.backup_dir = dir / "backups";
  options.progress = [&seen](std::uint64_t done, std::uint64_t total) {
    seen.emplace_back(done, total);
  };
  const auto report = mwl::resetWorklist(store, options);
  EXPECT_EQ(report.items_removed, 20000);
  ASSERT_GE(seen.size(), 2u);  // stepped, not copied in one go
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].first, seen[i - 1].first);
  EXPECT_EQ(seen.back().first, seen.back().second);  // done
  EXPECT_GT(seen.back().second, 1024u);
}

}  // namespace
}  // namespace gateway
