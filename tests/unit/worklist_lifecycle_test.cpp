// The worklist item's life cycle (ADR 0007): forward-only transitions with a history row
// each, and "an image arrived for accession X", over a real temp worklist database.
#include "services/mwl/worklist_lifecycle.h"

#include <gtest/gtest.h>

#include "services/mwl/worklist_feed.h"
#include "tests/support/temp_dir.h"
#include "tests/support/worklist_fixtures.h"

namespace gateway::mwl {
namespace {

TEST(WorklistStatus, MovesForwardOnly) {
  EXPECT_TRUE(canTransition(kScheduled, kInProgress));
  EXPECT_TRUE(canTransition(kScheduled, kCompleted));
  EXPECT_TRUE(canTransition(kScheduled, kDiscontinued));
  EXPECT_TRUE(canTransition(kInProgress, kCompleted));
  EXPECT_TRUE(canTransition(kInProgress, kDiscontinued));
  EXPECT_FALSE(canTransition(kInProgress, kScheduled));
  EXPECT_FALSE(canTransition(kInProgress, kInProgress));
  EXPECT_FALSE(canTransition(kCompleted, kInProgress));
  EXPECT_FALSE(canTransition(kCompleted, kDiscontinued));  // sideways between finals
  EXPECT_FALSE(canTransition(kDiscontinued, kCompleted));
  EXPECT_FALSE(canTransition(kScheduled, "FINISHED"));
  EXPECT_FALSE(canTransition("FINISHED", kCompleted));
  EXPECT_TRUE(isFinalStatus(kCompleted));
  EXPECT_TRUE(isFinalStatus(kDiscontinued));
  EXPECT_FALSE(isFinalStatus(kInProgress));
  EXPECT_FALSE(isFinalStatus(kScheduled));
}

class LifecycleTest : public ::testing::Test {
 protected:
  LifecycleTest() : store_(dir_ / "worklist.db"), lifecycle_(store_) {}

  void schedule(const std::string& accession, const std::string& status = kScheduled) {
    WorklistItem item = test::validWorklistItem(accession);
    item.status = status;
    WorklistFeed(store_).add(item, StudyUid::kGenerated, false);
  }
  TransitionResult advance(const std::string& accession, const std::string& to,
                           const std::string& cause, const std::string& mpps_uid = "") {
    auto transaction = store_.beginWrite();
    const auto result = lifecycle_.advance(transaction, accession, to, cause, mpps_uid);
    transaction.commit();
    return result;
  }

  test::TempDir dir_;
  WorklistStore store_;
  WorklistLifecycle lifecycle_;
};

TEST_F(LifecycleTest, EachChangeWritesOneHistoryRow) {
  schedule("A1");
  EXPECT_EQ(advance("A1", kInProgress, "test start"), TransitionResult::kChanged);
  EXPECT_EQ(advance("A1", kCompleted, "test end"), TransitionResult::kChanged);
  EXPECT_EQ(store_.itemStatus("A1"), kCompleted);
  const auto history = store_.statusHistory("A1");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].accession_number, "A1");
  EXPECT_EQ(history[0].from_status, kScheduled);
  EXPECT_EQ(history[0].to_status, kInProgress);
  EXPECT_EQ(history[0].cause, "test start");
  EXPECT_FALSE(history[0].changed_at.empty());
  EXPECT_EQ(history[1].from_status, kInProgress);
  EXPECT_EQ(history[1].to_status, kCompleted);
  EXPECT_EQ(history[1].cause, "test end");
  EXPECT_LT(history[0].id, history[1].id);
}

TEST_F(LifecycleTest, NeverGoesBackwardsNorBetweenFinals) {
  schedule("A1", kCompleted);
  EXPECT_EQ(advance("A1", kInProgress, "late start"), TransitionResult::kUnchanged);
  EXPECT_EQ(advance("A1", kDiscontinued, "late stop"), TransitionResult::kUnchanged);
  EXPECT_EQ(advance("A1", kScheduled, "reschedule"), TransitionResult::kUnchanged);
  EXPECT_EQ(store_.itemStatus("A1"), kCompleted);
  EXPECT_TRUE(store_.statusHistory("A1").empty());
  schedule("A2", kInProgress);
  EXPECT_EQ(advance("A2", kInProgress, "again"), TransitionResult::kUnchanged);
  EXPECT_TRUE(store_.statusHistory("A2").empty());
}

TEST_F(LifecycleTest, RecordsTheMppsInstanceEvenWithoutAChange) {
  schedule("A1", kCompleted);
  EXPECT_EQ(advance("A1", kInProgress, "N-CREATE", "1.2.3.9"), TransitionResult::kUnchanged);
  EXPECT_EQ(store_.find("A1")->mpps_instance_uid, "1.2.3.9");
}

TEST_F(LifecycleTest, SaysSoForAnUnknownItem) {
  EXPECT_EQ(advance("NOPE", kInProgress, "N-CREATE", "1.2.3.9"), TransitionResult::kNoItem);
  EXPECT_TRUE(store_.statusHistory("NOPE").empty());
  EXPECT_EQ(lifecycle_.imageStored("NOPE", "1.2.3.4"), TransitionResult::kNoItem);
  EXPECT_FALSE(lifecycle_.knowsAccession("NOPE"));
}

TEST_F(LifecycleTest, AChangeNotCommittedLeavesNoTrace) {
  schedule("A1");
  {
    auto transaction = store_.beginWrite();
    EXPECT_EQ(lifecycle_.advance(transaction, "A1", kInProgress, "abandoned"),
              TransitionResult::kChanged);
  }  // destroyed without commit(): rolled back
  EXPECT_EQ(store_.itemStatus("A1"), kScheduled);
  EXPECT_TRUE(store_.statusHistory("A1").empty());
}

TEST_F(LifecycleTest, TheFirstStoredImageStartsTheItem) {
  schedule("A1");
  EXPECT_TRUE(lifecycle_.knowsAccession("A1"));
  EXPECT_EQ(lifecycle_.imageStored("A1", "1.2.3.4"), TransitionResult::kChanged);
  EXPECT_EQ(lifecycle_.imageStored("A1", "1.2.3.5"), TransitionResult::kUnchanged);
  EXPECT_EQ(store_.itemStatus("A1"), kInProgress);
  const auto history = store_.statusHistory("A1");
  ASSERT_EQ(history.size(), 1u);  // only the first image moved it
  EXPECT_EQ(history[0].cause, "image stored 1.2.3.4");
  EXPECT_EQ(store_.find("A1")->mpps_instance_uid, "");  // images do not name an MPPS
}

TEST_F(LifecycleTest, AnImageDoesNotReopenAFinishedItem) {
  schedule("A1", kDiscontinued);
  EXPECT_EQ(lifecycle_.imageStored("A1", "1.2.3.4"), TransitionResult::kUnchanged);
  EXPECT_EQ(store_.itemStatus("A1"), kDiscontinued);
  EXPECT_TRUE(store_.statusHistory("A1").empty());
}

}  // namespace
}  // namespace gateway::mwl
