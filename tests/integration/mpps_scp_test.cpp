// MPPS on the worklist AE, driven as a modality would (N-CREATE, N-SET over DCMTK's DIMSE
// layer), and the worklist item's life cycle, including images stored through the PACS.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include "common/dicom/dimse_status.h"
#include "common/dicom/mpps_client.h"
#include "services/mwl/worklist_validation.h"
#include "services/pacs/pacs_service.h"
#include "services/supervisor/worklist_link.h"
#include "tests/integration/mwl_harness.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/mpps_fixtures.h"
#include "tests/support/store_client.h"

namespace gateway::test {
namespace {

std::unique_ptr<dicom::MppsClient> mppsClient(std::uint16_t port) {
  auto client = std::make_unique<dicom::MppsClient>("127.0.0.1", port, "MAMMO1", "MWL_SCP",
                                                    std::chrono::seconds(10));
  EXPECT_EQ(client->connect(), "");
  return client;
}

std::string itemStatus(MwlHarness& mwl, const std::string& accession) {
  const auto item = mwl.store().find(accession);
  return item ? item->status : "(none)";
}

int historyCount(MwlHarness& mwl, const std::string& accession) {
  return static_cast<int>(mwl.store().statusHistory(accession).size());
}

TEST(Mpps, CreateStartsTheItemAndSetCompletesIt) {
  MwlHarness mwl;
  mwl.add(appointment("A1"));
  auto client = mppsClient(mwl.port());
  const std::string uid = test::newUid();
  DcmDataset create = test::mppsCreateAttributes("A1");
  const auto created = client->nCreate(uid, create);
  ASSERT_TRUE(created.sent) << created.error;
  EXPECT_EQ(created.status, 0x0000) << created.error_comment;
  EXPECT_EQ(created.affected_sop_instance_uid, uid);
  ASSERT_TRUE(created.attributes);  // the attribute list comes back
  EXPECT_TRUE(created.attributes->tagExists(DCM_ScheduledStepAttributesSequence));
  EXPECT_EQ(itemStatus(mwl, "A1"), "IN PROGRESS");
  EXPECT_EQ(mwl.store().find("A1")->mpps_instance_uid, uid);

  DcmDataset progress;
  progress.putAndInsertString(DCM_PerformedProcedureStepStatus, "IN PROGRESS");
  progress.putAndInsertString(DCM_PerformedProcedureStepDescription, "4 views");
  EXPECT_EQ(client->nSet(uid, progress).status, 0x0000);  // an intermediate update
  EXPECT_EQ(itemStatus(mwl, "A1"), "IN PROGRESS");

  DcmDataset done = test::mppsSetStatus("COMPLETED");
  const auto completed = client->nSet(uid, done);
  EXPECT_EQ(completed.status, 0x0000) << completed.error_comment;
  EXPECT_EQ(completed.affected_sop_instance_uid, uid);
  EXPECT_EQ(itemStatus(mwl, "A1"), "COMPLETED");
  EXPECT_EQ(historyCount(mwl, "A1"), 2);  // SCHEDULED->IN PROGRESS->COMPLETED

  DcmDataset again = test::mppsSetStatus("DISCONTINUED");
  const auto refused = client->nSet(uid, again);
  EXPECT_EQ(refused.status, 0x0110);
  EXPECT_NE(refused.error_comment.find("already COMPLETED"), std::string::npos);
  EXPECT_EQ(itemStatus(mwl, "A1"), "COMPLETED");
  client->release();
}

TEST(Mpps, DiscontinuedStepRecordsItsReason) {
  MwlHarness mwl;
  mwl.add(appointment("A1"));
  auto client = mppsClient(mwl.port());
  const std::string uid = test::newUid();
  DcmDataset create = test::mppsCreateAttributes("A1");
  ASSERT_EQ(client->nCreate(uid, create).status, 0x0000);
  DcmDataset stop = test::mppsDiscontinuedWrongItem();
  EXPECT_EQ(client->nSet(uid, stop).status, 0x0000);
  EXPECT_EQ(itemStatus(mwl, "A1"), "DISCONTINUED");
  const auto step = mwl.store().findStep(uid);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->discontinuation_reason, "110514^Incorrect worklist entry selected");
  EXPECT_EQ(step->end_time, "094500");
  client->release();
}

TEST(Mpps, AnswersEachErrorWithItsStatus) {
  MwlHarness mwl;
  mwl.add(appointment("A1"));
  auto client = mppsClient(mwl.port());
  const std::string uid = test::newUid();
  DcmDataset create = test::mppsCreateAttributes("A1");
  ASSERT_EQ(client->nCreate(uid, create).status, 0x0000);

  DcmDataset duplicate = test::mppsCreateAttributes("A1");
  EXPECT_EQ(client->nCreate(uid, duplicate).status, 0x0111);

  DcmDataset unknown = test::mppsSetStatus("COMPLETED");
  EXPECT_EQ(client->nSet(test::newUid(), unknown).status, 0x0112);

  DcmDataset missing = test::mppsCreateAttributes("A1");
  missing.findAndDeleteElement(DCM_PerformedProcedureStepStartDate);
  const auto missing_rsp = client->nCreate(test::newUid(), missing);
  EXPECT_EQ(missing_rsp.status, 0x0120);
  EXPECT_NE(missing_rsp.error_comment.find("PerformedProcedureStepStartDate"), std::string::npos)
      << missing_rsp.error_comment;

  DcmDataset not_in_progress = test::mppsCreateAttributes("A1");
  not_in_progress.putAndInsertString(DCM_PerformedProcedureStepStatus, "COMPLETED");
  EXPECT_EQ(client->nCreate(test::newUid(), not_in_progress).status, 0x0106);

  DcmDataset bad_status = test::mppsSetStatus("FINISHED");
  EXPECT_EQ(client->nSet(uid, bad_status).status, 0x0106);
  EXPECT_EQ(itemStatus(mwl, "A1"), "IN PROGRESS");  // none of the errors changed anything
  client->release();
}

TEST(Mpps, KeepsStepsForUnknownAccessionsUnlinked) {
  MwlHarness mwl;
  mwl.add(appointment("A1"));
  auto client = mppsClient(mwl.port());
  const std::string uid = test::newUid();
  DcmDataset create = test::mppsCreateAttributes("NOT-ON-LIST");
  EXPECT_EQ(client->nCreate(uid, create).status, 0x0000);
  EXPECT_EQ(mwl.store().find("A1")->status, "SCHEDULED");
  EXPECT_EQ(
      client->nSet(uid, *std::make_unique<DcmDataset>(test::mppsSetStatus("COMPLETED"))).status,
      0x0000);
  EXPECT_EQ(mwl.store().find("A1")->status, "SCHEDULED");
  client->release();
}

TEST(Mpps, LinksAnUnscheduledStepByPatientAndDateOnlyWhenOneItemFits) {
  MwlHarness mwl;
  auto one = appointment("ONE");
  one.patient_id = "P-ONLY";
  mwl.add(one);
  auto twin_a = appointment("TWIN-A");
  twin_a.patient_id = "P-TWICE";
  mwl.add(twin_a);
  auto twin_b = appointment("TWIN-B", "20261128", "110000");
  twin_b.patient_id = "P-TWICE";
  mwl.add(twin_b);
  auto client = mppsClient(mwl.port());

  DcmDataset single = test::mppsCreateAttributes("", "P-ONLY");
  EXPECT_EQ(client->nCreate(test::newUid(), single).status, 0x0000);
  EXPECT_EQ(itemStatus(mwl, "ONE"), "IN PROGRESS");

  DcmDataset ambiguous = test::mppsCreateAttributes("", "P-TWICE");
  EXPECT_EQ(client->nCreate(test::newUid(), ambiguous).status, 0x0000);
  EXPECT_EQ(itemStatus(mwl, "TWIN-A"), "SCHEDULED");
  EXPECT_EQ(itemStatus(mwl, "TWIN-B"), "SCHEDULED");
  client->release();
}

TEST(Mpps, NeverMovesAnItemBackwards) {
  MwlHarness mwl;
  auto item = appointment("A1");
  item.status = "COMPLETED";
  mwl.add(item);
  auto client = mppsClient(mwl.port());
  const std::string uid = test::newUid();
  DcmDataset create = test::mppsCreateAttributes("A1");
  EXPECT_EQ(client->nCreate(uid, create).status, 0x0000);
  EXPECT_EQ(itemStatus(mwl, "A1"), "COMPLETED");
  EXPECT_EQ(mwl.store().find("A1")->mpps_instance_uid, uid);  // still recorded
  EXPECT_EQ(historyCount(mwl, "A1"), 0);
  client->release();
}

// Images first, then MPPS: the order some modalities use.
TEST(Lifecycle, FirstStoredImageStartsTheItemAndMppsStillCompletesIt) {
  MwlHarness mwl;
  mwl.add(appointment("A1"));
  TempDir dir;
  config::GatewayConfig config;
  config.pacs.storage_path = dir / "storage";
  config.pacs.db_path = dir / "pacs.db";
  config.network.bind_address = "127.0.0.1";
  supervisor::WorklistLink link(mwl.lifecycle());
  pacs::PacsService pacs(config, std::uint16_t{0}, &link);
  pacs.start();

  TestScu scu(pacs.port());
  scu.propose({UID_DigitalMammographyXRayImageStorageForPresentation},
              {UID_LittleEndianExplicitTransferSyntax});
  ASSERT_TRUE(scu.connect().good());
  ObjectSpec spec;
  spec.accession_number = "A1";
  auto first = makeObject(spec);
  auto second = makeObject(spec);
  ObjectSpec stranger;
  stranger.accession_number = "NOT-ON-LIST";
  auto third = makeObject(stranger);
  EXPECT_EQ(scu.store(*first).status, dicom::status::kSuccess);
  EXPECT_EQ(itemStatus(mwl, "A1"), "IN PROGRESS");
  EXPECT_EQ(scu.store(*second).status, dicom::status::kSuccess);
  EXPECT_EQ(scu.store(*third).status, dicom::status::kSuccess);
  scu.releaseAssociation();
  EXPECT_EQ(historyCount(mwl, "A1"), 1);  // only the first image moved it

  OFString uid;
  first->findAndGetOFString(DCM_SOPInstanceUID, uid);
  EXPECT_EQ(pacs.index().findByUid(uid.c_str())->worklist_accession, "A1");
  third->findAndGetOFString(DCM_SOPInstanceUID, uid);
  EXPECT_EQ(pacs.index().findByUid(uid.c_str())->worklist_accession, "");

  auto client = mppsClient(mwl.port());
  const std::string mpps_uid = test::newUid();
  DcmDataset create = test::mppsCreateAttributes("A1");
  EXPECT_EQ(client->nCreate(mpps_uid, create).status, 0x0000);
  DcmDataset done = test::mppsSetStatus("COMPLETED");
  EXPECT_EQ(client->nSet(mpps_uid, done).status, 0x0000);
  client->release();
  const auto item = mwl.store().find("A1");
  EXPECT_EQ(item->status, "COMPLETED");
  EXPECT_EQ(item->mpps_instance_uid, mpps_uid);
  pacs.stop(std::chrono::seconds(5));
}

}  // namespace
}  // namespace gateway::test
