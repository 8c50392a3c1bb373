// MPPS decisions (PS3.4 F.7, ADR 0007) without a network: MppsProcessor over a real temp
// worklist database, asserting the statuses, the stored step and the item's life cycle.
#include "services/mwl/mpps_processor.h"

#include "common/dicom/dataset_codec.h"
#include "common/dicom/dimse_status.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "services/mwl/worklist_feed.h"
#include "tests/support/mpps_fixtures.h"
#include "tests/support/temp_dir.h"
#include "tests/support/worklist_fixtures.h"

namespace gateway::mwl {
namespace {

namespace st = dicom::status;

std::string text(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

bool offends(const MppsOutcome& outcome, const DcmTagKey& tag) {
  return std::find(outcome.offending.begin(), outcome.offending.end(), tag) !=
         outcome.offending.end();
}

class MppsProcessorTest : public ::testing::Test {
 protected:
  MppsProcessorTest()
      : store_(dir_ / "worklist.db"), lifecycle_(store_), mpps_(store_, lifecycle_) {}

  void schedule(const std::string& accession, const std::string& patient_id = "",
                const std::string& status = kScheduled, const std::string& time = "090000") {
    WorklistItem item = test::validWorklistItem(accession);
    if (!patient_id.empty()) item.patient_id = patient_id;
    item.status = status;
    item.scheduled_time = time;
    WorklistFeed(store_).add(item, StudyUid::kGenerated, false);
  }
  std::string itemStatus(const std::string& accession) {
    return store_.itemStatus(accession).value_or("(none)");
  }
  MppsOutcome create(const std::string& uid, DcmDataset attributes) {
    return mpps_.create(uid, attributes, "MAMMO1");
  }
  MppsOutcome set(const std::string& uid, DcmDataset modifications) {
    return mpps_.set(uid, modifications, "MAMMO1");
  }

  test::TempDir dir_;
  WorklistStore store_;
  WorklistLifecycle lifecycle_;
  MppsProcessor mpps_;
};

TEST_F(MppsProcessorTest, CreateRecordsTheStepAndStartsTheItem) {
  schedule("A1");
  const auto outcome = create("1.2.3.1", test::mppsCreateAttributes("A1"));
  EXPECT_EQ(outcome.status, st::kSuccess) << outcome.comment;
  EXPECT_EQ(outcome.step_status, kInProgress);
  EXPECT_EQ(outcome.linked_accession, "A1");
  EXPECT_EQ(outcome.link_rule, "accession");
  EXPECT_EQ(outcome.transition, TransitionResult::kChanged);
  ASSERT_TRUE(outcome.attributes);  // the attribute list for the response
  EXPECT_TRUE(outcome.attributes->tagExists(DCM_ScheduledStepAttributesSequence));
  EXPECT_EQ(itemStatus("A1"), kInProgress);
  EXPECT_EQ(store_.find("A1")->mpps_instance_uid, "1.2.3.1");

  const auto step = store_.findStep("1.2.3.1");
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, kInProgress);
  EXPECT_EQ(step->accession_number, "A1");
  EXPECT_EQ(step->scheduled_step_id, "A1");
  EXPECT_EQ(step->study_instance_uid, test::kMppsStudyUid);
  EXPECT_EQ(step->performed_station_aet, "MAMMO1");
  EXPECT_EQ(step->performed_step_id, "PPS-1");
  EXPECT_EQ(step->start_date, "20261128");
  EXPECT_EQ(step->start_time, "093500");
  EXPECT_EQ(step->calling_aet, "MAMMO1");
  EXPECT_EQ(step->linked_accession, "A1");
  EXPECT_EQ(step->link_rule, "accession");
  // The whole attribute list is kept.
  EXPECT_EQ(text(*dicom::decodeDataset(step->attributes), DCM_PatientName), "DOE^JANE");

  const auto history = store_.statusHistory("A1");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].from_status, kScheduled);
  EXPECT_EQ(history[0].to_status, kInProgress);
  EXPECT_EQ(history[0].cause, "MPPS N-CREATE 1.2.3.1 from MAMMO1");
}

TEST_F(MppsProcessorTest, CreateNamesEveryMissingTypeOneAttribute) {
  schedule("A1");
  DcmDataset attributes = test::mppsCreateAttributes("A1");
  attributes.findAndDeleteElement(DCM_PerformedProcedureStepStartDate);
  attributes.findAndDeleteElement(DCM_ScheduledStepAttributesSequence);
  attributes.putAndInsertString(DCM_Modality, "");  // present but empty: missing too
  const auto outcome = create("1.2.3.1", attributes);
  EXPECT_EQ(outcome.status, st::kMissingAttribute);
  EXPECT_EQ(outcome.offending.size(), 3u);
  EXPECT_TRUE(offends(outcome, DCM_PerformedProcedureStepStartDate));
  EXPECT_TRUE(offends(outcome, DCM_ScheduledStepAttributesSequence));
  EXPECT_TRUE(offends(outcome, DCM_Modality));
  EXPECT_NE(outcome.comment.find("PerformedProcedureStepStartDate"), std::string::npos)
      << outcome.comment;
  EXPECT_NE(outcome.comment.find("ScheduledStepAttributesSequence"), std::string::npos)
      << outcome.comment;
  EXPECT_NE(outcome.comment.find("Modality"), std::string::npos) << outcome.comment;
  EXPECT_FALSE(outcome.attributes);
  EXPECT_FALSE(store_.findStep("1.2.3.1"));  // nothing recorded
  EXPECT_EQ(itemStatus("A1"), kScheduled);
}

TEST_F(MppsProcessorTest, CreateRefusesAStatusOtherThanInProgress) {
  schedule("A1");
  for (const char* status : {"COMPLETED", "DISCONTINUED", "STARTED"}) {
    SCOPED_TRACE(status);
    DcmDataset attributes = test::mppsCreateAttributes("A1");
    attributes.putAndInsertString(DCM_PerformedProcedureStepStatus, status);
    const auto outcome = create("1.2.3.1", attributes);
    EXPECT_EQ(outcome.status, st::kInvalidAttributeValue);
    EXPECT_TRUE(offends(outcome, DCM_PerformedProcedureStepStatus));
    EXPECT_NE(outcome.comment.find("IN PROGRESS"), std::string::npos) << outcome.comment;
  }
  EXPECT_FALSE(store_.findStep("1.2.3.1"));
  EXPECT_EQ(itemStatus("A1"), kScheduled);
}

TEST_F(MppsProcessorTest, CreateRefusesADuplicateInstance) {
  schedule("A1");
  ASSERT_EQ(create("1.2.3.1", test::mppsCreateAttributes("A1")).status, st::kSuccess);
  DcmDataset again = test::mppsCreateAttributes("A1");
  again.putAndInsertString(DCM_PerformedProcedureStepID, "PPS-2");
  const auto outcome = create("1.2.3.1", again);
  EXPECT_EQ(outcome.status, st::kDuplicateSopInstance);
  EXPECT_NE(outcome.comment.find("1.2.3.1"), std::string::npos) << outcome.comment;
  EXPECT_EQ(store_.findStep("1.2.3.1")->performed_step_id, "PPS-1");  // the first one stays
  EXPECT_EQ(store_.statusHistory("A1").size(), 1u);
}

TEST_F(MppsProcessorTest, LinksByAccessionNumber) {
  schedule("A1", "P-SHARED");
  schedule("A2", "P-SHARED");
  const auto outcome = create("1.2.3.1", test::mppsCreateAttributes("A2", "P-SHARED"));
  EXPECT_EQ(outcome.linked_accession, "A2");
  EXPECT_EQ(outcome.link_rule, "accession");
  EXPECT_EQ(itemStatus("A1"), kScheduled);
  EXPECT_EQ(itemStatus("A2"), kInProgress);
}

TEST_F(MppsProcessorTest, LinksAnUnscheduledStepByPatientAndDateWhenOneOpenItemFits) {
  schedule("ONE", "P-ONLY");
  schedule("DONE", "P-ONLY", kCompleted, "080000");  // final: not a candidate
  const auto outcome = create("1.2.3.1", test::mppsCreateAttributes("", "P-ONLY"));
  EXPECT_EQ(outcome.status, st::kSuccess);
  EXPECT_EQ(outcome.linked_accession, "ONE");
  EXPECT_EQ(outcome.link_rule, "patient+date");
  EXPECT_EQ(store_.findStep("1.2.3.1")->link_rule, "patient+date");
  EXPECT_EQ(itemStatus("ONE"), kInProgress);
}

TEST_F(MppsProcessorTest, KeepsAStepUnlinkedWhenNoSingleItemFits) {
  schedule("TWIN-A", "P-TWICE");
  schedule("TWIN-B", "P-TWICE", kScheduled, "110000");
  schedule("OTHER-DAY", "P-ELSEWHEN");
  struct Case {
    const char* name;
    DcmDataset attributes;
  };
  Case cases[] = {{"two open items", test::mppsCreateAttributes("", "P-TWICE")},
                  {"another day", test::mppsCreateAttributes("", "P-ELSEWHEN", "20261129")},
                  {"no patient id", test::mppsCreateAttributes("", "")},
                  {"unknown accession", test::mppsCreateAttributes("NOT-ON-LIST", "P-TWICE")}};
  int n = 0;
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string uid = "1.2.3." + std::to_string(++n);
    const auto outcome = create(uid, c.attributes);
    EXPECT_EQ(outcome.status, st::kSuccess);  // kept, only not linked
    EXPECT_EQ(outcome.linked_accession, "");
    EXPECT_EQ(outcome.link_rule, "none");
    EXPECT_EQ(outcome.transition, TransitionResult::kUnchanged);
    const auto step = store_.findStep(uid);
    ASSERT_TRUE(step);
    EXPECT_EQ(step->linked_accession, "");
    EXPECT_EQ(step->link_rule, "none");
  }
  EXPECT_EQ(itemStatus("TWIN-A"), kScheduled);
  EXPECT_EQ(itemStatus("TWIN-B"), kScheduled);
  EXPECT_EQ(itemStatus("OTHER-DAY"), kScheduled);
}

TEST_F(MppsProcessorTest, SetMergesTheModificationsAndCompletesTheItem) {
  schedule("A1");
  ASSERT_EQ(create("1.2.3.1", test::mppsCreateAttributes("A1")).status, st::kSuccess);

  DcmDataset progress;
  progress.putAndInsertString(DCM_PerformedProcedureStepStatus, "IN PROGRESS");
  progress.putAndInsertString(DCM_PerformedProcedureStepDescription, "4 views");
  const auto intermediate = set("1.2.3.1", progress);
  EXPECT_EQ(intermediate.status, st::kSuccess);
  EXPECT_EQ(intermediate.step_status, kInProgress);
  EXPECT_EQ(intermediate.transition, TransitionResult::kUnchanged);
  EXPECT_EQ(itemStatus("A1"), kInProgress);

  DcmDataset no_status;  // a modification list without a status keeps the status
  no_status.putAndInsertString(DCM_PerformedStationName, "ROOM 2");
  EXPECT_EQ(set("1.2.3.1", no_status).step_status, kInProgress);

  const auto done = set("1.2.3.1", test::mppsSetStatus("COMPLETED"));
  EXPECT_EQ(done.status, st::kSuccess) << done.comment;
  EXPECT_EQ(done.step_status, kCompleted);
  EXPECT_EQ(done.linked_accession, "A1");
  EXPECT_EQ(done.transition, TransitionResult::kChanged);
  ASSERT_TRUE(done.attributes);  // the modification list comes back
  EXPECT_EQ(text(*done.attributes, DCM_PerformedProcedureStepStatus), "COMPLETED");
  EXPECT_EQ(itemStatus("A1"), kCompleted);

  const auto step = store_.findStep("1.2.3.1");
  ASSERT_TRUE(step);
  EXPECT_EQ(step->status, kCompleted);
  EXPECT_EQ(step->end_date, "20261128");
  EXPECT_EQ(step->end_time, "094500");
  // The stored attribute list holds the N-CREATE's attributes and every modification.
  auto merged = dicom::decodeDataset(step->attributes);
  EXPECT_EQ(text(*merged, DCM_PatientName), "DOE^JANE");
  EXPECT_EQ(text(*merged, DCM_PerformedProcedureStepDescription), "4 views");
  EXPECT_EQ(text(*merged, DCM_PerformedStationName), "ROOM 2");
  EXPECT_EQ(text(*merged, DCM_PerformedProcedureStepStatus), "COMPLETED");
  EXPECT_EQ(text(*merged, DCM_PerformedProcedureStepEndTime), "094500");

  const auto history = store_.statusHistory("A1");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].from_status, kInProgress);
  EXPECT_EQ(history[1].to_status, kCompleted);
  EXPECT_EQ(history[1].cause, "MPPS N-SET COMPLETED 1.2.3.1 from MAMMO1");
}

TEST_F(MppsProcessorTest, DiscontinuedStepRecordsItsReason) {
  schedule("A1");
  ASSERT_EQ(create("1.2.3.1", test::mppsCreateAttributes("A1")).status, st::kSuccess);
  DcmDataset stop = test::mppsDiscontinuedWrongItem();
  EXPECT_EQ(set("1.2.3.1", stop).status, st::kSuccess);
  EXPECT_EQ(itemStatus("A1"), kDiscontinued);
  EXPECT_EQ(store_.findStep("1.2.3.1")->discontinuation_reason,
            "110514^Incorrect worklist entry selected");
}

TEST_F(MppsProcessorTest, SetRefusesAnUnknownInstance) {
  const auto outcome = set("9.9.9", test::mppsSetStatus("COMPLETED"));
  EXPECT_EQ(outcome.status, st::kNoSuchObjectInstance);
  EXPECT_NE(outcome.comment.find("9.9.9"), std::string::npos) << outcome.comment;
  EXPECT_FALSE(store_.findStep("9.9.9"));
}

TEST_F(MppsProcessorTest, SetRefusesAnInvalidStatus) {
  schedule("A1");
  ASSERT_EQ(create("1.2.3.1", test::mppsCreateAttributes("A1")).status, st::kSuccess);
  const auto outcome = set("1.2.3.1", test::mppsSetStatus("FINISHED"));
  EXPECT_EQ(outcome.status, st::kInvalidAttributeValue);
  EXPECT_TRUE(offends(outcome, DCM_PerformedProcedureStepStatus));
  EXPECT_EQ(store_.findStep("1.2.3.1")->status, kInProgress);
  EXPECT_EQ(store_.findStep("1.2.3.1")->end_time, "");  // nothing of it was merged
  EXPECT_EQ(itemStatus("A1"), kInProgress);
}

TEST_F(MppsProcessorTest, SetRefusesAnyChangeAfterTheStepIsFinal) {
  schedule("A1");
  ASSERT_EQ(create("1.2.3.1", test::mppsCreateAttributes("A1")).status, st::kSuccess);
  ASSERT_EQ(set("1.2.3.1", test::mppsSetStatus("COMPLETED")).status, st::kSuccess);
  for (const char* status : {"DISCONTINUED", "IN PROGRESS", "COMPLETED"}) {
    SCOPED_TRACE(status);
    DcmDataset again = test::mppsSetStatus(status);
    again.putAndInsertString(DCM_PerformedProcedureStepEndTime, "235959");
    const auto outcome = set("1.2.3.1", again);
    EXPECT_EQ(outcome.status, st::kProcessingFailure);
    EXPECT_NE(outcome.comment.find("already COMPLETED"), std::string::npos) << outcome.comment;
  }
  EXPECT_EQ(store_.findStep("1.2.3.1")->end_time, "094500");
  EXPECT_EQ(itemStatus("A1"), kCompleted);
  EXPECT_EQ(store_.statusHistory("A1").size(), 2u);
}

TEST_F(MppsProcessorTest, NeverMovesAnItemBackwardsButRecordsItsStep) {
  schedule("A1", "", kCompleted);
  const auto outcome = create("1.2.3.1", test::mppsCreateAttributes("A1"));
  EXPECT_EQ(outcome.status, st::kSuccess);
  EXPECT_EQ(outcome.transition, TransitionResult::kUnchanged);
  EXPECT_EQ(itemStatus("A1"), kCompleted);
  EXPECT_EQ(store_.find("A1")->mpps_instance_uid, "1.2.3.1");
  EXPECT_TRUE(store_.statusHistory("A1").empty());
}

TEST(MppsDataset, SurvivesEncodingAndDecoding) {
  DcmDataset original = test::mppsCreateAttributes("A1", "P1");
  auto decoded = dicom::decodeDataset(dicom::encodeDataset(original));
  EXPECT_EQ(text(*decoded, DCM_PatientID), "P1");
  DcmItem* ssa = nullptr;
  ASSERT_TRUE(decoded->findAndGetSequenceItem(DCM_ScheduledStepAttributesSequence, ssa, 0).good());
  EXPECT_EQ(text(*ssa, DCM_StudyInstanceUID), test::kMppsStudyUid);
  EXPECT_THROW(dicom::decodeDataset(std::string("\x08\x00\x05", 3)), std::runtime_error);
}

}  // namespace
}  // namespace gateway::mwl
