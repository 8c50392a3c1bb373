// The worklist store's units of work over a real temp database: a write transaction
// commits whole or not at all, and the named operations do what they say.
#include "services/mwl/worklist_store.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/support/temp_dir.h"
#include "tests/support/worklist_fixtures.h"

namespace gateway::mwl {
namespace {

PerformedStep step(const std::string& uid, const std::string& linked) {
  PerformedStep s;
  s.sop_instance_uid = uid;
  s.status = kInProgress;
  s.accession_number = linked;
  s.calling_aet = "MAMMO1";
  s.linked_accession = linked;
  s.link_rule = linked.empty() ? "none" : "accession";
  s.attributes = std::string("\x08\x00\x50\x00", 4);  // bytes, zeros included
  s.attributes.push_back('\0');
  return s;
}

TEST(WorklistStore, ATransactionNotCommittedWritesNothing) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  {
    auto transaction = store.beginWrite();
    transaction.insertItem(test::validWorklistItem("A1"), false);
    transaction.insertStep(step("1.2.3", "A1"));
    EXPECT_TRUE(transaction.find("A1"));  // visible inside
  }
  EXPECT_FALSE(store.find("A1"));
  EXPECT_FALSE(store.findStep("1.2.3"));
  try {
    auto transaction = store.beginWrite();
    transaction.insertItem(test::validWorklistItem("A2"), false);
    throw std::runtime_error("a decision failed half-way");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(store.count(), 0);
  // The lock was released each time: the store is usable.
  auto transaction = store.beginWrite();
  transaction.insertItem(test::validWorklistItem("A3"), false);
  transaction.commit();
  EXPECT_EQ(store.count(), 1);
}

TEST(WorklistStore, ATransactionEndsAtCommit) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  auto transaction = store.beginWrite();
  transaction.insertItem(test::validWorklistItem("A1"), false);
  transaction.commit();
  EXPECT_EQ(store.count(), 1);  // the store's lock is released at commit
  EXPECT_THROW(transaction.find("A1"), std::logic_error);
  EXPECT_THROW(transaction.commit(), std::logic_error);
}

TEST(WorklistStore, InsertRefusesAStoredAccessionUnlessReplacing) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  {
    auto transaction = store.beginWrite();
    transaction.insertItem(test::validWorklistItem("A1"), false);
    transaction.linkMpps("A1", "1.2.3.4");
    transaction.commit();
  }
  const auto created_at = store.find("A1")->created_at;
  auto again = test::validWorklistItem("A1");
  again.patient_name = "ROE^RITA";
  {
    auto transaction = store.beginWrite();
    EXPECT_THROW(transaction.insertItem(again, false), DuplicateAccessionError);
  }
  EXPECT_EQ(store.find("A1")->patient_name, "DOE^JANE");
  {
    auto transaction = store.beginWrite();
    transaction.insertItem(again, true);
    transaction.commit();
  }
  const auto replaced = store.find("A1");
  EXPECT_EQ(replaced->patient_name, "ROE^RITA");
  EXPECT_EQ(replaced->created_at, created_at);
  EXPECT_EQ(replaced->mpps_instance_uid, "1.2.3.4");  // a replaced item stays linked
}

TEST(WorklistStore, KeepsStepsWithTheirAttributeBytes) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  auto written = step("1.2.3", "");
  {
    auto transaction = store.beginWrite();
    transaction.insertStep(written);
    transaction.commit();
  }
  auto read = store.findStep("1.2.3");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->attributes, written.attributes);
  EXPECT_EQ(read->linked_accession, "");
  EXPECT_EQ(read->link_rule, "none");
  read->status = kDiscontinued;
  read->end_time = "101500";
  read->discontinuation_reason = "110514^Incorrect worklist entry selected";
  {
    auto transaction = store.beginWrite();
    transaction.updateStep(*read);
    transaction.commit();
  }
  const auto updated = store.findStep("1.2.3");
  EXPECT_EQ(updated->status, kDiscontinued);
  EXPECT_EQ(updated->end_time, "101500");
  EXPECT_EQ(updated->discontinuation_reason, "110514^Incorrect worklist entry selected");
  EXPECT_EQ(updated->calling_aet, "MAMMO1");  // untouched by N-SET
}

TEST(WorklistStore, StatusChangeAndHistoryGoTogether) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  test::importItems(store, {test::validWorklistItem("A1")});
  {
    auto transaction = store.beginWrite();
    transaction.recordStatusChange("A1", kScheduled, kInProgress, "test");
    transaction.commit();
  }
  EXPECT_EQ(store.itemStatus("A1"), kInProgress);
  const auto history = store.statusHistory("A1");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].cause, "test");
}

TEST(WorklistStore, NarrowsCandidatesByTheIndexedKeys) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  auto a = test::validWorklistItem("A");
  auto b = test::validWorklistItem("B");
  b.scheduled_date = "20261129";
  auto c = test::validWorklistItem("C");
  c.modality = "CT";
  c.status = kCompleted;
  test::importItems(store, {a, b, c});
  auto accessions = [&store](const CandidateFilter& filter) {
    std::string out;
    for (const auto& item : store.candidates(filter)) out += item.accession_number;
    return out;
  };
  EXPECT_EQ(accessions(CandidateFilter{}), "ACB");  // by date, time, accession
  CandidateFilter later;
  later.date_from = "20261129";
  EXPECT_EQ(accessions(later), "B");
  CandidateFilter first_day_mg;
  first_day_mg.date_to = "20261128";
  first_day_mg.modality = "MG";
  EXPECT_EQ(accessions(first_day_mg), "A");
  CandidateFilter patient;
  patient.patient_id = "P-C";
  EXPECT_EQ(accessions(patient), "C");
  CandidateFilter scheduled;
  scheduled.statuses = {kScheduled};
  EXPECT_EQ(accessions(scheduled), "AB");
  ListFilter completed;
  completed.statuses = {kCompleted};
  EXPECT_EQ(store.list(completed).size(), 1u);
}

// The C-FIND path keeps its statement prepared: a query run again must see what was written
// in between, by this store and by another connection (the `worklist` commands), and a
// finished query must not hold a snapshot that keeps the other connection's rows out.
TEST(WorklistStore, AQueryRunAgainSeesWhatWasWrittenInBetween) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  WorklistStore other_process(dir / "worklist.db");
  test::importItems(store, {test::validWorklistItem("A")});
  CandidateFilter day_mg;
  day_mg.date_from = "20261128";
  day_mg.date_to = "20261128";
  day_mg.modality = "MG";
  auto accessions = [&store, &day_mg] {
    std::string out;
    for (const auto& item : store.candidates(day_mg)) out += item.accession_number;
    return out;
  };
  EXPECT_EQ(accessions(), "A");
  test::importItems(other_process, {test::validWorklistItem("B")});
  EXPECT_EQ(accessions(), "AB");
  EXPECT_TRUE(other_process.remove("A"));
  EXPECT_EQ(accessions(), "B");
  auto transaction = store.beginWrite();
  transaction.insertItem(test::validWorklistItem("C"), false);
  transaction.commit();
  EXPECT_EQ(accessions(), "BC");
  CandidateFilter none;
  none.patient_id = "nobody";
  EXPECT_TRUE(store.candidates(none).empty());  // a second statement beside the first
  EXPECT_EQ(accessions(), "BC");
}

TEST(WorklistStore, RemovesOneItemAndClearsEverything) {
  test::TempDir dir;
  WorklistStore store(dir / "worklist.db");
  test::importItems(store, {test::validWorklistItem("A1"), test::validWorklistItem("A2")});
  EXPECT_TRUE(store.remove("A1"));
  EXPECT_FALSE(store.remove("A1"));
  EXPECT_EQ(store.count(), 1);
  auto transaction = store.beginWrite();
  transaction.insertStep(step("1.2.3", "A2"));
  transaction.recordStatusChange("A2", kScheduled, kInProgress, "test");
  const auto cleared = transaction.clearAll();
  transaction.commit();
  EXPECT_EQ(cleared.items, 1);
  EXPECT_EQ(cleared.steps, 1);
  EXPECT_EQ(cleared.history, 1);
  EXPECT_EQ(store.count(), 0);
  EXPECT_FALSE(store.findStep("1.2.3"));
}

}  // namespace
}  // namespace gateway::mwl
