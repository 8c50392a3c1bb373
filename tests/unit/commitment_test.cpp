// The decisions of Storage Commitment, without a network: what counts as committed, the
// report's shape, and the transactions kept in the index database.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <gtest/gtest.h>

#include <fstream>

#include "services/pacs/commitment_check.h"
#include "services/pacs/commitment_store.h"
#include "tests/support/storage_fixture.h"

namespace gateway::test {
namespace {

using pacs::CommitmentItem;

TEST(CommitmentCheck, CommitsOnlyWhatIsStoredWholeUnderItsClass) {
  StorageFixture s;
  const std::string good = s.storeIndexed();
  const std::string corrupt = s.storeIndexed();
  const std::string missing_file = s.storeIndexed();
  const std::string klass = s.row(good).metadata.sop_class_uid;
  { std::ofstream(s.fileOf(corrupt), std::ios::app) << "tampered"; }
  std::filesystem::remove(s.fileOf(missing_file));
  const auto outcome = pacs::verifyCommitment({{klass, good},
                                               {klass, corrupt},
                                               {klass, missing_file},
                                               {klass, "1.2.3.999"},
                                               {"1.2.840.10008.5.1.4.1.1.7", good}},
                                              s.index(), s.store());
  ASSERT_EQ(outcome.committed.size(), 1u);
  EXPECT_EQ(outcome.committed[0].sop_instance_uid, good);
  ASSERT_EQ(outcome.failed.size(), 4u);
  EXPECT_EQ(outcome.failed[0].reason, pacs::kCommitProcessingFailure);
  EXPECT_EQ(outcome.failed[1].reason, pacs::kCommitNoSuchObjectInstance);
  EXPECT_EQ(outcome.failed[2].reason, pacs::kCommitNoSuchObjectInstance);
  EXPECT_EQ(outcome.failed[3].reason, pacs::kCommitClassInstanceConflict);
  EXPECT_EQ(outcome.eventType(), 2);
  // What verification found is recorded: nothing else will claim these are fine.
  EXPECT_EQ(s.row(corrupt).status, "CORRUPT");
  EXPECT_EQ(s.row(missing_file).status, "MISSING");
  // A row that is not STORED is never committed, even when its file would hash right.
  const auto again = pacs::verifyCommitment({{klass, corrupt}}, s.index(), s.store());
  EXPECT_EQ(again.failed.at(0).reason, pacs::kCommitNoSuchObjectInstance);
}

TEST(CommitmentCheck, ReportHasTheTransactionTheCommittedAndTheFailedWithReasons) {
  pacs::CommitmentOutcome outcome;
  outcome.committed.push_back({"1.2.840.10008.5.1.4.1.1.1.2", "1.2.3.1"});
  outcome.failed.push_back({{"1.2.840.10008.5.1.4.1.1.1.2", "1.2.3.2"}, 0x0112, ""});
  auto report = pacs::commitmentReport("1.2.3.9", outcome, "SCREENING_PACS");
  OFString text;
  report->findAndGetOFString(DCM_TransactionUID, text);
  EXPECT_EQ(std::string(text.c_str()), "1.2.3.9");
  report->findAndGetOFString(DCM_RetrieveAETitle, text);
  EXPECT_EQ(std::string(text.c_str()), "SCREENING_PACS");
  DcmItem* item = nullptr;
  ASSERT_TRUE(report->findAndGetSequenceItem(DCM_ReferencedSOPSequence, item, 0).good());
  item->findAndGetOFString(DCM_ReferencedSOPInstanceUID, text);
  EXPECT_EQ(std::string(text.c_str()), "1.2.3.1");
  ASSERT_TRUE(report->findAndGetSequenceItem(DCM_FailedSOPSequence, item, 0).good());
  Uint16 reason = 0;
  item->findAndGetUint16(DCM_FailureReason, reason);
  EXPECT_EQ(reason, 0x0112);
  // All committed: event type 1 and no Failed SOP Sequence at all.
  outcome.failed.clear();
  EXPECT_EQ(outcome.eventType(), 1);
  EXPECT_FALSE(pacs::commitmentReport("1.2.3.9", outcome, "X")->tagExists(DCM_FailedSOPSequence));
}

TEST(CommitmentStore, KeepsTransactionsUntilReportedAcrossReopening) {
  TempDir dir;
  pacs::CommitmentTransaction t;
  t.transaction_uid = "1.2.3.10";
  t.calling_aet = "MAMMO1";
  t.association_id = 7;
  t.items = {{"1.2.840.10008.5.1.4.1.1.1.2", "1.2.3.1"},
             {"1.2.840.10008.5.1.4.1.1.1.2", "1.2.3.2"}};
  {
    pacs::CommitmentStore store(dir / "pacs.db");
    EXPECT_TRUE(store.record(t));
    EXPECT_FALSE(store.record(t));  // a re-sent N-ACTION: the first stands
    store.markReady(t.transaction_uid, 2, "report-bytes", 1, 1);
  }
  pacs::CommitmentStore store(dir / "pacs.db");
  store.forgetAssociations();
  auto open = store.open();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].state, "READY");
  EXPECT_EQ(open[0].event_type, 2);
  EXPECT_EQ(open[0].report, "report-bytes");
  EXPECT_FALSE(open[0].association_id.has_value());
  ASSERT_EQ(open[0].items.size(), 2u);
  EXPECT_EQ(open[0].items[1].sop_instance_uid, "1.2.3.2");
  store.markRetry(t.transaction_uid, "refused", 123.0);
  EXPECT_EQ(store.find(t.transaction_uid)->attempts, 1);
  EXPECT_EQ(store.find(t.transaction_uid)->not_before, 123.0);
  store.markReported(t.transaction_uid, "new association");
  EXPECT_TRUE(store.open().empty());
  EXPECT_EQ(store.find(t.transaction_uid)->state, "REPORTED");
}

}  // namespace
}  // namespace gateway::test
