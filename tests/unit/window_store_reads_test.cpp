// The named operations the operator's window added to the stores: reads by accession, study
// and time of storage, the health probe's real write, and the cancel of the life cycle.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "services/mwl/worklist_lifecycle.h"
#include "services/mwl/worklist_store.h"
#include "services/pacs/instance_index.h"
#include "tests/support/temp_dir.h"
#include "tests/support/worklist_fixtures.h"

namespace gateway {
namespace {

pacs::StoredInstance row(const std::string& uid, const std::string& accession,
                         const std::string& worklist_accession) {
  pacs::StoredInstance r;
  r.metadata.sop_instance_uid = uid;
  r.metadata.accession_number = accession;
  r.metadata.study_instance_uid = "1.2.9";
  r.metadata.view_code = "SCT:399162004";
  r.metadata.view_modifiers = "implant displaced";
  r.worklist_accession = worklist_accession;
  r.storage_path = uid + ".dcm";
  r.storage_hash = "ff";
  r.file_size = 1000;
  return r;
}

TEST(InstanceIndexReads, FindsByAccessionStudyAndTimeOfStorage) {
  test::TempDir dir;
  pacs::InstanceIndex index(dir / "pacs.db");
  index.upsert(row("1.1", "A1", "A1"));
  index.upsert(row("1.2", "A1", ""));
  index.upsert(row("1.3", "", ""));
  const auto by_accession = index.findByAccession("A1");
  ASSERT_EQ(by_accession.size(), 2u);
  EXPECT_EQ(by_accession[0].metadata.view_code, "SCT:399162004");
  EXPECT_EQ(by_accession[0].metadata.view_modifiers, "implant displaced");
  EXPECT_EQ(index.findByStudy("1.2.9").size(), 3u);
  EXPECT_EQ(index.storedBetween("2000-01-01 00:00:00", "2999-01-01 00:00:00").size(), 3u);
  EXPECT_EQ(index.storedBetween("2999-01-01 00:00:00", "2999-01-02 00:00:00").size(), 0u);
  const auto unlinked = index.unlinkedBetween("2000-01-01 00:00:00", "2999-01-01 00:00:00");
  ASSERT_EQ(unlinked.size(), 2u);
  EXPECT_EQ(index.storedBytes(), 3000);
}

TEST(HealthProbe, WritesOneRowInEachDatabase) {
  test::TempDir dir;
  {
    pacs::InstanceIndex index(dir / "pacs.db");
    index.proveWritable("test");
    index.proveWritable("test-again");
    mwl::WorklistStore store(dir / "worklist.db");
    store.proveWritable("test");
  }
  SQLite::Database pacs((dir / "pacs.db").string());
  EXPECT_EQ(pacs.execAndGet("SELECT COUNT(*) FROM health_probe").getInt(), 1);
  EXPECT_EQ(pacs.execAndGet("SELECT writer FROM health_probe").getString(), "test-again");
  SQLite::Database mwl((dir / "worklist.db").string());
  EXPECT_EQ(mwl.execAndGet("SELECT COUNT(*) FROM health_probe").getInt(), 1);
}

TEST(HealthProbe, FailsOnAReadOnlyDatabase) {
  test::TempDir dir;
  { pacs::InstanceIndex index(dir / "pacs.db"); }
  std::filesystem::permissions(dir / "pacs.db", std::filesystem::perms::owner_read);
  if (::geteuid() == 0) GTEST_SKIP() << "root writes read-only files";
  pacs::InstanceIndex index(dir / "pacs.db");
  EXPECT_THROW(index.proveWritable("test"), std::exception);
}

TEST(WorklistCancel, DiscontinuesWithTheReasonAndLeavesFinalItemsAlone) {
  test::TempDir dir;
  mwl::WorklistStore store(dir / "worklist.db");
  mwl::WorklistLifecycle lifecycle(store);
  auto item = test::validWorklistItem("C-1");
  {
    auto transaction = store.beginWrite();
    transaction.insertItem(item, false);
    transaction.commit();
  }
  EXPECT_EQ(lifecycle.cancel("C-1", "booking withdrawn"), mwl::TransitionResult::kChanged);
  EXPECT_EQ(store.itemStatus("C-1"), mwl::kDiscontinued);
  EXPECT_EQ(store.statusHistory("C-1").back().cause, "cancelled: booking withdrawn");
  EXPECT_EQ(lifecycle.cancel("C-1", "again"), mwl::TransitionResult::kUnchanged);
  EXPECT_EQ(lifecycle.cancel("NONE", "x"), mwl::TransitionResult::kNoItem);
}

TEST(WorklistStatusNames, ReadWhatPeopleAndUrlsWrite) {
  EXPECT_EQ(mwl::parseWorklistStatus("in-progress"), mwl::kInProgress);
  EXPECT_EQ(mwl::parseWorklistStatus(" In_Progress "), mwl::kInProgress);
  EXPECT_EQ(mwl::parseWorklistStatus("completed"), mwl::kCompleted);
  EXPECT_FALSE(mwl::parseWorklistStatus("done"));
  EXPECT_FALSE(mwl::parseWorklistStatus(""));
}

}  // namespace
}  // namespace gateway
