// The feed's decisions (add, replace keeps the study, duplicates, import all or nothing)
// over a real temp worklist database.
#include "services/mwl/worklist_feed.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "services/mwl/worklist_validation.h"
#include "tests/support/temp_dir.h"
#include "tests/support/worklist_fixtures.h"

namespace gateway::mwl {
namespace {

const char* const kHeader =
    "accession_number,patient_id,patient_name,patient_birth_date,scheduled_date,scheduled_time,"
    "modality,study_description\n";

std::string twoItems(const char* second_accession) {
  return std::string(kHeader) + "A1,P1,DOE^JANE,19700101,20260302,0830,MG,\n" + second_accession +
         ",P2,ROE^RITA,19700101,20260302,0840,MG,\n";
}

// An item as `worklist add` makes it: validated, its Study Instance UID generated.
WorklistItem generatedUidItem(const std::string& accession, const std::string& patient_name) {
  WorklistItem item = test::validWorklistItem(accession);
  item.patient_name = patient_name;
  return item;
}

TEST(WorklistFeed, AddsANewItem) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  WorklistFeed feed(store);
  const WorklistItem item = generatedUidItem("A1", "DOE^JANE");
  const auto added = feed.add(item, StudyUid::kGenerated, false);
  EXPECT_FALSE(added.replaced);
  EXPECT_EQ(added.study_instance_uid, item.study_instance_uid);
  const auto stored = store.find("A1");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->patient_name, "DOE^JANE");
  EXPECT_EQ(stored->study_instance_uid, item.study_instance_uid);
  EXPECT_EQ(stored->status, kScheduled);
}

TEST(WorklistFeed, RefusesAStoredAccessionUnlessReplacing) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  WorklistFeed feed(store);
  feed.add(generatedUidItem("A1", "DOE^JANE"), StudyUid::kGenerated, false);
  try {
    feed.add(generatedUidItem("A1", "ROE^RITA"), StudyUid::kGenerated, false);
    FAIL() << "a second A1 was accepted";
  } catch (const DuplicateAccessionError& e) {
    EXPECT_EQ(e.accession(), "A1");
    EXPECT_NE(std::string(e.what()).find("--replace"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store.find("A1")->patient_name, "DOE^JANE");  // unchanged
  EXPECT_EQ(store.count(), 1);
}

TEST(WorklistFeed, ReplacedItemKeepsItsStudyUnlessTheFeedGivesOne) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  WorklistFeed feed(store);
  const std::string original =
      feed.add(generatedUidItem("A1", "DOE^JANE"), StudyUid::kGenerated, false).study_instance_uid;

  // A correction without a Study Instance UID: validation generated a new one, the stored
  // one wins.
  const WorklistItem corrected = generatedUidItem("A1", "DOE^JANET");
  ASSERT_NE(corrected.study_instance_uid, original);
  const auto replaced = feed.add(corrected, StudyUid::kGenerated, true);
  EXPECT_TRUE(replaced.replaced);
  EXPECT_EQ(replaced.study_instance_uid, original);
  EXPECT_EQ(store.find("A1")->study_instance_uid, original);
  EXPECT_EQ(store.find("A1")->patient_name, "DOE^JANET");

  // A correction that names its study: the feed's UID wins.
  WorklistItem renamed = generatedUidItem("A1", "DOE^JANET");
  renamed.study_instance_uid = "1.2.826.0.1.3680043.10.543.7";
  EXPECT_EQ(feed.add(renamed, StudyUid::kGiven, true).study_instance_uid,
            "1.2.826.0.1.3680043.10.543.7");
  EXPECT_EQ(store.find("A1")->study_instance_uid, "1.2.826.0.1.3680043.10.543.7");
  EXPECT_EQ(store.count(), 1);
}

TEST(WorklistFeed, ImportReportsStoredAccessionsUnlessReplacing) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  WorklistFeed feed(store);
  auto first = prepareWorklistImport(twoItems("A2"), ImportFormat::kCsv);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(feed.import(first, false).written);
  const std::string stored_uid = store.find("A2")->study_instance_uid;

  auto again = prepareWorklistImport(twoItems("A2"), ImportFormat::kCsv);
  const auto refused = feed.import(again, false);
  EXPECT_FALSE(refused.written);
  EXPECT_TRUE(test::hasImportError(again, 1, 2, "accession_number", "already on the worklist"));
  EXPECT_TRUE(test::hasImportError(again, 2, 3, "accession_number", "already on the worklist"));

  auto replacing = prepareWorklistImport(twoItems("A2"), ImportFormat::kCsv);
  const auto replaced = feed.import(replacing, true);
  EXPECT_TRUE(replaced.written);
  EXPECT_EQ(replaced.items, 2u);
  EXPECT_EQ(replaced.replaced, 2u);
  EXPECT_TRUE(replacing.ok());
  // A replaced appointment keeps its study.
  EXPECT_EQ(replacing.items[1].item.study_instance_uid, stored_uid);
  EXPECT_EQ(store.find("A2")->study_instance_uid, stored_uid);
  EXPECT_EQ(store.count(), 2);
}

TEST(WorklistFeed, ImportWritesNothingWhenOneItemIsAlreadyThere) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  WorklistFeed feed(store);
  feed.add(test::validWorklistItem("A2"), StudyUid::kGenerated, false);
  auto import = prepareWorklistImport(twoItems("A2"), ImportFormat::kCsv);
  ASSERT_TRUE(import.ok());
  EXPECT_FALSE(feed.import(import, false).written);
  EXPECT_EQ(import.errors.size(), 1u);
  EXPECT_FALSE(store.find("A1"));  // the valid item is not written either
  EXPECT_EQ(store.count(), 1);
}

TEST(WorklistFeed, ImportWritesNothingWhenTheFileHasProblems) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  auto import =
      prepareWorklistImport(std::string(kHeader) + "A1,P1,DOE^JANE,19700101,20260302,0830,MG,\n" +
                                "A2,P2,ROE^RITA,1970,20260302,0840,MG,\n",
                            ImportFormat::kCsv);
  ASSERT_EQ(import.errors.size(), 1u);
  EXPECT_FALSE(WorklistFeed(store).import(import, false).written);
  EXPECT_EQ(store.count(), 0);
}

TEST(WorklistFeed, ImportRollsBackWholeWhenAWriteFails) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  WorklistFeed feed(store);
  const auto other = feed.add(test::validWorklistItem("OTHER"), StudyUid::kGenerated, false);
  auto import = prepareWorklistImport(twoItems("A2"), ImportFormat::kCsv);
  ASSERT_TRUE(import.ok());
  // A2 names the study of another item: the database refuses it after A1 is written.
  import.items[1].item.study_instance_uid = other.study_instance_uid;
  EXPECT_ANY_THROW(feed.import(import, false));
  EXPECT_FALSE(store.find("A1"));  // rolled back with the failing A2
  EXPECT_EQ(store.count(), 1);
}

TEST(WorklistFeed, ImportReportsProgressUpToTheTotal) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  auto import = prepareWorklistImport(twoItems("A2"), ImportFormat::kCsv);
  std::vector<std::pair<std::size_t, std::size_t>> calls;
  const auto result = WorklistFeed(store).import(
      import, false,
      [&calls](std::size_t done, std::size_t total) { calls.emplace_back(done, total); });
  EXPECT_TRUE(result.written);
  const std::vector<std::pair<std::size_t, std::size_t>> expected = {{1, 2}, {2, 2}};
  EXPECT_EQ(calls, expected);
}

}  // namespace
}  // namespace gateway::mwl
