// Storage Commitment Push Model on the PACS AE, driven as a mammography modality does before
// it deletes its own copies: N-ACTION, then the N-EVENT-REPORT — on the same association
// while it is open, or on a new one to the modality's listening port.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "common/dicom/dimse_status.h"
#include "tests/integration/pacs_harness.h"
#include "tests/support/commitment_listener.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/store_client.h"

namespace gateway::test {
namespace {

namespace status = dicom::status;
using Clock = std::chrono::steady_clock;
constexpr const char* kCommitment = "1.2.840.10008.1.20.1";
constexpr const char* kCommitmentInstance = "1.2.840.10008.1.20.1.1";
constexpr const char* kMg = UID_DigitalMammographyXRayImageStorageForPresentation;
const std::vector<std::string> kUncompressed = {UID_LittleEndianExplicitTransferSyntax};

struct Reference {
  std::string sop_class;
  std::string sop_instance;
};

DcmDataset commitmentRequest(const std::string& transaction, const std::vector<Reference>& refs) {
  DcmDataset ds;
  ds.putAndInsertString(DCM_TransactionUID, transaction.c_str());
  long i = 0;
  for (const auto& r : refs) {
    DcmItem* item = nullptr;
    ds.findOrCreateSequenceItem(DCM_ReferencedSOPSequence, item, i++);
    item->putAndInsertString(DCM_ReferencedSOPClassUID, r.sop_class.c_str());
    item->putAndInsertString(DCM_ReferencedSOPInstanceUID, r.sop_instance.c_str());
  }
  return ds;
}

std::vector<std::pair<std::string, std::uint16_t>> failuresOf(DcmDataset& report) {
  std::vector<std::pair<std::string, std::uint16_t>> out;
  DcmSequenceOfItems* seq = nullptr;
  if (report.findAndGetSequence(DCM_FailedSOPSequence, seq).bad() || seq == nullptr) return out;
  for (unsigned long i = 0; i < seq->card(); ++i) {
    OFString uid;
    Uint16 reason = 0;
    seq->getItem(i)->findAndGetOFString(DCM_ReferencedSOPInstanceUID, uid);
    seq->getItem(i)->findAndGetUint16(DCM_FailureReason, reason);
    out.emplace_back(uid.c_str(), reason);
  }
  return out;
}

// The transaction's state once it stops changing (or after `limit`).
std::string settledState(PacsHarness& pacs, const std::string& transaction,
                         std::chrono::seconds limit = std::chrono::seconds(10)) {
  const auto deadline = Clock::now() + limit;
  std::string state;
  while (Clock::now() < deadline) {
    state = pacs.service().commitments().find(transaction)->state;
    if (state == "UNDELIVERABLE" || state == "REPORTED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return state;
}

std::size_t committedCount(DcmDataset& report) {
  DcmSequenceOfItems* seq = nullptr;
  if (report.findAndGetSequence(DCM_ReferencedSOPSequence, seq).bad() || seq == nullptr) return 0;
  return seq->card();
}

// Stores `count` objects on `scu`; returns their references.
std::vector<Reference> storeObjects(TestScu& scu, int count) {
  std::vector<Reference> refs;
  for (int i = 0; i < count; ++i) {
    auto ds = makeObject({});
    OFString uid;
    ds->findAndGetOFString(DCM_SOPInstanceUID, uid);
    EXPECT_EQ(scu.store(*ds).status, status::kSuccess);
    refs.push_back({kMg, uid.c_str()});
  }
  return refs;
}

// An SCU that stores, requests commitment and waits for the report on its own association.
std::unique_ptr<TestScu> modality(std::uint16_t port) {
  auto scu = std::make_unique<TestScu>(port, "SCREENING_PACS", "MAMMO1");
  scu->propose({kMg, kCommitment}, kUncompressed);
  EXPECT_TRUE(scu->connect().good());
  return scu;
}

std::uint16_t requestCommitment(TestScu& scu, DcmDataset& request) {
  Uint16 rsp = 0xFFFF;
  const auto id =
      scu.findPresentationContextID(kCommitment, UID_LittleEndianExplicitTransferSyntax);
  EXPECT_NE(id, 0);
  EXPECT_TRUE(scu.sendACTIONRequest(id, kCommitmentInstance, 1, &request, rsp).good());
  return rsp;
}

TEST(StorageCommitment, AllPresentIsReportedOnTheSameAssociation) {
  PacsHarness pacs;
  auto scu = modality(pacs.port());
  auto refs = storeObjects(*scu, 3);
  DcmDataset request = commitmentRequest(newUid(), refs);
  EXPECT_EQ(requestCommitment(*scu, request), status::kSuccess);
  DcmDataset* report = nullptr;
  Uint16 event_type = 0;
  ASSERT_TRUE(scu->handleEVENTREPORTRequest(report, event_type, 20).good());
  ASSERT_NE(report, nullptr);
  EXPECT_EQ(event_type, 1);
  EXPECT_EQ(committedCount(*report), 3u);
  EXPECT_TRUE(failuresOf(*report).empty());
  OFString retrieve_aet;
  report->findAndGetOFString(DCM_RetrieveAETitle, retrieve_aet);
  EXPECT_EQ(std::string(retrieve_aet.c_str()), "SCREENING_PACS");
  delete report;
  scu->releaseAssociation();
}

TEST(StorageCommitment, MissingAndCorruptedInstancesAreReportedFailedAndTheRowMarked) {
  PacsHarness pacs;
  auto scu = modality(pacs.port());
  auto refs = storeObjects(*scu, 2);
  // Corrupt the second one on disk after it was stored.
  const auto row = pacs.row(refs[1].sop_instance).value();
  {
    std::fstream file(pacs.storage() / row.storage_path,
                      std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(-10, std::ios::end);
    file.write("XXXXXXXXXX", 10);
  }
  const std::string never_sent = newUid();
  refs.push_back({kMg, never_sent});
  refs.push_back({UID_SecondaryCaptureImageStorage, refs[0].sop_instance});  // wrong class
  DcmDataset request = commitmentRequest(newUid(), refs);
  EXPECT_EQ(requestCommitment(*scu, request), status::kSuccess);
  DcmDataset* report = nullptr;
  Uint16 event_type = 0;
  ASSERT_TRUE(scu->handleEVENTREPORTRequest(report, event_type, 20).good());
  EXPECT_EQ(event_type, 2);
  EXPECT_EQ(committedCount(*report), 1u);
  const auto failures = failuresOf(*report);
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_EQ(failures[0], std::make_pair(refs[1].sop_instance, std::uint16_t{0x0110}));
  EXPECT_EQ(failures[1], std::make_pair(never_sent, std::uint16_t{0x0112}));
  EXPECT_EQ(failures[2], std::make_pair(refs[0].sop_instance, std::uint16_t{0x0119}));
  delete report;
  EXPECT_EQ(pacs.row(refs[1].sop_instance)->status, "CORRUPT");
  scu->releaseAssociation();
}

TEST(StorageCommitment, BadRequestsGetTheirStatus) {
  PacsHarness pacs;
  auto scu = modality(pacs.port());
  DcmDataset no_transaction = commitmentRequest("", {{kMg, "1.2.3"}});
  EXPECT_EQ(requestCommitment(*scu, no_transaction), status::kMissingAttribute);
  DcmDataset no_references = commitmentRequest(newUid(), {});
  EXPECT_EQ(requestCommitment(*scu, no_references), status::kMissingAttribute);
  DcmDataset bad_uid = commitmentRequest(newUid(), {{kMg, "1.2.x"}});
  EXPECT_EQ(requestCommitment(*scu, bad_uid), status::kInvalidAttributeValue);
  Uint16 rsp = 0;
  DcmDataset good = commitmentRequest(newUid(), {{kMg, "1.2.3"}});
  const auto id =
      scu->findPresentationContextID(kCommitment, UID_LittleEndianExplicitTransferSyntax);
  ASSERT_TRUE(scu->sendACTIONRequest(id, kCommitmentInstance, 2, &good, rsp).good());
  EXPECT_EQ(rsp, status::kNoSuchAction);
  ASSERT_TRUE(scu->sendACTIONRequest(id, "1.2.3.4", 1, &good, rsp).good());
  EXPECT_EQ(rsp, status::kNoSuchObjectInstance);
  scu->releaseAssociation();
}

TEST(StorageCommitment, ReportGoesOnANewAssociationWhenTheRequesterHasLeft) {
  CommitmentListener listener("MAMMO1");
  const std::uint16_t listener_port = listener.port();
  PacsHarness pacs(
      [](config::GatewayConfig& c) { c.pacs.commitment_report_delay = std::chrono::seconds(1); },
      [listener_port](const std::string& aet) -> std::optional<dicom::OutboundTarget> {
        if (aet != "MAMMO1") return std::nullopt;
        dicom::OutboundTarget target;
        target.host = "127.0.0.1";
        target.port = listener_port;
        target.called_aet = aet;
        return target;
      });
  auto scu = modality(pacs.port());
  auto refs = storeObjects(*scu, 2);
  const std::string transaction = newUid();
  DcmDataset request = commitmentRequest(transaction, refs);
  EXPECT_EQ(requestCommitment(*scu, request), status::kSuccess);
  scu->releaseAssociation();  // gone before the report is due
  ASSERT_TRUE(listener.waitForReports(1, std::chrono::seconds(20)));
  auto reports = listener.takeReports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].event_type, 1);
  EXPECT_EQ(reports[0].calling_aet, "SCREENING_PACS");
  OFString uid;
  reports[0].information->findAndGetOFString(DCM_TransactionUID, uid);
  EXPECT_EQ(std::string(uid.c_str()), transaction);
  EXPECT_EQ(committedCount(*reports[0].information), 2u);
  EXPECT_EQ(settledState(pacs, transaction), "REPORTED");
}

TEST(StorageCommitment, RequesterNotInTheKnownAeTableGetsNoReport) {
  PacsHarness pacs;  // no way to call anyone back
  auto scu = modality(pacs.port());
  auto refs = storeObjects(*scu, 1);
  const std::string transaction = newUid();
  DcmDataset request = commitmentRequest(transaction, refs);
  EXPECT_EQ(requestCommitment(*scu, request), status::kSuccess);
  scu->releaseAssociation();
  EXPECT_EQ(settledState(pacs, transaction), "UNDELIVERABLE");
  EXPECT_NE(pacs.service().commitments().find(transaction)->last_error.find("known AEs"),
            std::string::npos);
}

TEST(StorageCommitment, ARestartBetweenRequestAndReportLosesNothing) {
  CommitmentListener listener("MAMMO1");
  const std::uint16_t listener_port = listener.port();
  auto resolve = [listener_port](const std::string& aet) -> std::optional<dicom::OutboundTarget> {
    dicom::OutboundTarget target;
    target.host = "127.0.0.1";
    target.port = listener_port;
    target.called_aet = aet;
    return target;
  };
  PacsHarness pacs(
      [](config::GatewayConfig& c) { c.pacs.commitment_report_delay = std::chrono::seconds(3); },
      resolve);
  const std::string transaction = newUid();
  {
    auto scu = modality(pacs.port());
    auto refs = storeObjects(*scu, 2);
    DcmDataset request = commitmentRequest(transaction, refs);
    EXPECT_EQ(requestCommitment(*scu, request), status::kSuccess);
    scu->releaseAssociation();
  }
  pacs.restart();  // before the report was due: it is in the database only
  EXPECT_EQ(listener.takeReports().size(), 0u);
  ASSERT_TRUE(listener.waitForReports(1, std::chrono::seconds(30)));
  auto reports = listener.takeReports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(committedCount(*reports[0].information), 2u);
  EXPECT_EQ(settledState(pacs, transaction), "REPORTED");
}

}  // namespace
}  // namespace gateway::test
