// C-MOVE and C-GET on the PACS AE: sub-operations streamed from disk, byte for byte, with
// pending counts, failures listed, C-CANCEL honoured, and only known AEs served.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scu.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <set>

#include "common/crypto/sha256.h"
#include "common/dicom/dimse_status.h"
#include "tests/integration/pacs_harness.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/store_client.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {
namespace {

namespace status = dicom::status;
constexpr const char* kMg = UID_DigitalMammographyXRayImageStorageForPresentation;
constexpr const char* kStudyMove = UID_MOVEStudyRootQueryRetrieveInformationModel;
constexpr const char* kStudyGet = UID_GETStudyRootQueryRetrieveInformationModel;
constexpr const char* kPatientMove = UID_MOVEPatientRootQueryRetrieveInformationModel;
const std::vector<std::string> kUncompressed = {UID_LittleEndianExplicitTransferSyntax};

std::string datasetSha256(const std::filesystem::path& file) {
  return crypto::sha256Hex(datasetBytesOfFile(file));
}

// Who the source PACS knows: the workstation that retrieves, and the destination PACS.
pacs::CommitmentService::Resolver knownAes(const std::uint16_t* destination_port) {
  return [destination_port](const std::string& aet) -> std::optional<dicom::OutboundTarget> {
    if (aet == "WORKSTATION") return dicom::OutboundTarget{"127.0.0.1", 0, "", aet};
    if (aet == "SCREENING_PACS" && destination_port != nullptr) {
      return dicom::OutboundTarget{"127.0.0.1", *destination_port, "", aet};
    }
    return std::nullopt;
  };
}

struct StoredStudy {
  std::string study_uid;
  std::vector<std::string> instances;
};

StoredStudy storeStudy(PacsHarness& pacs, int count, const std::string& patient = "PID-0001") {
  TestScu scu(pacs.port());
  scu.propose({kMg}, kUncompressed);
  EXPECT_TRUE(scu.connect().good());
  StoredStudy study;
  study.study_uid = newUid();
  for (int i = 0; i < count; ++i) {
    ObjectSpec spec;
    spec.patient_id = patient;
    auto ds = makeObject(spec);
    ds->putAndInsertString(DCM_StudyInstanceUID, study.study_uid.c_str());
    ds->putAndInsertString(DCM_InstanceNumber, std::to_string(i + 1).c_str());
    OFString uid;
    ds->findAndGetOFString(DCM_SOPInstanceUID, uid);
    EXPECT_EQ(scu.store(*ds).status, status::kSuccess);
    study.instances.push_back(uid.c_str());
  }
  scu.releaseAssociation();
  return study;
}

DcmDataset studyIdentifier(const std::string& study_uid) {
  DcmDataset id;
  id.putAndInsertString(DCM_QueryRetrieveLevel, "STUDY");
  id.putAndInsertString(DCM_StudyInstanceUID, study_uid.c_str());
  return id;
}

struct MoveOutcome {
  std::uint16_t final_status = 0xFFFF;
  int pending = 0;
  std::uint16_t completed = 0;
  std::uint16_t failed = 0;
  std::string failed_list;
};

MoveOutcome move(std::uint16_t port, const std::string& destination, DcmDataset& identifier,
                 const char* model = kStudyMove, const std::string& calling = "WORKSTATION") {
  DcmSCU scu;
  scu.setAETitle(calling.c_str());
  scu.setPeerHostName("127.0.0.1");
  scu.setPeerPort(port);
  scu.setPeerAETitle("SCREENING_PACS");
  scu.setACSETimeout(10);
  scu.setDIMSETimeout(30);
  scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  OFList<OFString> ts;
  ts.push_back(UID_LittleEndianExplicitTransferSyntax);
  scu.addPresentationContext(model, ts);
  MoveOutcome out;
  if (scu.initNetwork().bad() || scu.negotiateAssociation().bad()) return out;
  const auto id = scu.findPresentationContextID(model, "");
  OFList<RetrieveResponse*> responses;
  scu.sendMOVERequest(id, destination.c_str(), &identifier, &responses);
  for (auto* r : responses) {
    if (status::isPending(r->m_status)) ++out.pending;
    out.final_status = r->m_status;
    out.completed = r->m_numberOfCompletedSubops;
    out.failed = r->m_numberOfFailedSubops;
    if (r->m_dataset != nullptr) {
      OFString list;
      r->m_dataset->findAndGetOFStringArray(DCM_FailedSOPInstanceUIDList, list);
      out.failed_list = list.c_str();
    }
    delete r;
  }
  scu.releaseAssociation();
  return out;
}

TEST(Retrieve, MoveSendsTheStudyByteForByteToAKnownDestination) {
  PacsHarness destination;
  const std::uint16_t destination_port = destination.port();
  PacsHarness source({}, knownAes(&destination_port));
  const auto study = storeStudy(source, 3);
  DcmDataset identifier = studyIdentifier(study.study_uid);
  const auto outcome = move(source.port(), "SCREENING_PACS", identifier);
  EXPECT_EQ(outcome.final_status, status::kSuccess);
  EXPECT_EQ(outcome.completed, 3);
  EXPECT_EQ(outcome.failed, 0);
  EXPECT_EQ(outcome.pending, 2);  // after each sub-operation but the last
  for (const auto& uid : study.instances) {
    const auto sent = source.row(uid).value();
    const auto received = destination.row(uid);
    ASSERT_TRUE(received.has_value()) << uid;
    // Same dataset bytes: the destination's file has its own meta header, so compare the hash
    // of what follows it with what the source holds after its own.
    EXPECT_EQ(received->metadata.transfer_syntax_uid, sent.metadata.transfer_syntax_uid);
    EXPECT_EQ(datasetSha256(destination.storage() / received->storage_path),
              datasetSha256(source.storage() / sent.storage_path));
  }
}

TEST(Retrieve, MoveToAnUnknownDestinationOrFromAnUnknownAeIsRefused) {
  PacsHarness source({}, knownAes(nullptr));
  const auto study = storeStudy(source, 1);
  DcmDataset identifier = studyIdentifier(study.study_uid);
  EXPECT_EQ(move(source.port(), "NOWHERE", identifier).final_status,
            status::kMoveDestinationUnknown);
  DcmDataset again = studyIdentifier(study.study_uid);
  EXPECT_EQ(move(source.port(), "SCREENING_PACS", again, kStudyMove, "STRANGER").final_status,
            status::kNotAuthorized);
}

// Who may retrieve comes from the table of known AEs: a caller needs the `retrieve` service
// and an allowed address, but no host or port (the gateway never calls it back).
TEST(Retrieve, ACallerInTheKnownAeTableNeedsRetrieveAndItsAddressButNoHost) {
  PacsHarness destination;
  const std::uint16_t destination_port = destination.port();
  auto entry = [](const std::string& title, const std::string& address,
                  config::ServiceSet services) {
    config::KnownAe ae;
    ae.ae_title = title;
    if (!address.empty()) ae.addresses.push_back(config::Ipv4Range::parse(address).value());
    ae.services = services;
    return ae;
  };
  PacsHarness source(
      [&](config::GatewayConfig& c) {
        c.known_aes = {entry("READER", "127.0.0.1", config::ServiceSet::all()),
                       entry("STORER", "", config::ServiceSet{config::AeService::kStore}),
                       entry("ELSEWHERE", "10.9.8.7", config::ServiceSet::all())};
      },
      knownAes(&destination_port));
  const auto study = storeStudy(source, 2);
  DcmDataset identifier = studyIdentifier(study.study_uid);
  const auto outcome = move(source.port(), "SCREENING_PACS", identifier, kStudyMove, "READER");
  EXPECT_EQ(outcome.final_status, status::kSuccess);
  EXPECT_EQ(outcome.completed, 2);
  for (const char* caller : {"STORER", "ELSEWHERE"}) {
    DcmDataset again = studyIdentifier(study.study_uid);
    EXPECT_EQ(move(source.port(), "SCREENING_PACS", again, kStudyMove, caller).final_status,
              status::kNotAuthorized)
        << caller;
  }
}

TEST(Retrieve, BadRetrieveIdentifiersAreRefusedWithAComment) {
  PacsHarness source({}, knownAes(nullptr));
  DcmDataset no_level;
  no_level.putAndInsertString(DCM_StudyInstanceUID, "1.2.3");
  EXPECT_EQ(move(source.port(), "WORKSTATION", no_level).final_status,
            status::kIdentifierDoesNotMatchSopClass);
  DcmDataset patient_root_without_id = studyIdentifier("1.2.3");
  EXPECT_EQ(move(source.port(), "WORKSTATION", patient_root_without_id, kPatientMove).final_status,
            status::kIdentifierDoesNotMatchSopClass);
}

TEST(Retrieve, MissingFilesAreListedAsFailedSubOperations) {
  PacsHarness destination;
  const std::uint16_t destination_port = destination.port();
  PacsHarness source({}, knownAes(&destination_port));
  const auto study = storeStudy(source, 2);
  std::filesystem::remove(source.storage() / source.row(study.instances[1])->storage_path);
  DcmDataset identifier = studyIdentifier(study.study_uid);
  const auto outcome = move(source.port(), "SCREENING_PACS", identifier);
  EXPECT_EQ(outcome.final_status, status::kSubOperationsFailed);
  EXPECT_EQ(outcome.completed, 1);
  EXPECT_EQ(outcome.failed, 1);
  EXPECT_EQ(outcome.failed_list, study.instances[1]);
}

// A workstation that pulls with C-GET, receiving the objects on its own association.
class GetScu : public DcmSCU {
 public:
  GetScu(std::uint16_t port, const std::filesystem::path& into) {
    setAETitle("WORKSTATION");
    setPeerHostName("127.0.0.1");
    setPeerPort(port);
    setPeerAETitle("SCREENING_PACS");
    setACSETimeout(10);
    setDIMSETimeout(30);
    setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    setStorageDir(into.c_str());
    setStorageMode(DCMSCU_STORAGE_DISK);
    OFList<OFString> ts;
    ts.push_back(UID_LittleEndianExplicitTransferSyntax);
    addPresentationContext(kStudyGet, ts);
    addPresentationContext(kMg, ts, ASC_SC_ROLE_SCP);
  }
};

TEST(Retrieve, GetSendsTheStudyOnTheSameAssociation) {
  PacsHarness source({}, knownAes(nullptr));
  const auto study = storeStudy(source, 3);
  TempDir into;
  GetScu scu(source.port(), into.path());
  ASSERT_TRUE(scu.initNetwork().good());
  ASSERT_TRUE(scu.negotiateAssociation().good());
  DcmDataset identifier = studyIdentifier(study.study_uid);
  OFList<RetrieveResponse*> responses;
  ASSERT_TRUE(
      scu.sendCGETRequest(scu.findPresentationContextID(kStudyGet, ""), &identifier, &responses)
          .good());
  ASSERT_FALSE(responses.empty());
  EXPECT_EQ(responses.back()->m_status, status::kSuccess);
  EXPECT_EQ(responses.back()->m_numberOfCompletedSubops, 3);
  for (auto* r : responses) delete r;
  scu.releaseAssociation();
  // DcmSCU rewrites what it receives, so compare the objects, not the files: every instance
  // arrived, with the pixel data as stored.
  std::set<std::string> received;
  for (const auto& entry : std::filesystem::directory_iterator(into.path())) {
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile(entry.path().c_str()).good());
    OFString uid;
    file.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid);
    received.insert(uid.c_str());
    DcmFileFormat original;
    ASSERT_TRUE(
        original.loadFile((source.storage() / source.row(uid.c_str())->storage_path).c_str())
            .good());
    const Uint8* got = nullptr;
    const Uint8* want = nullptr;
    unsigned long got_length = 0;
    unsigned long want_length = 0;
    file.getDataset()->findAndGetUint8Array(DCM_PixelData, got, &got_length);
    original.getDataset()->findAndGetUint8Array(DCM_PixelData, want, &want_length);
    ASSERT_EQ(got_length, want_length);
    EXPECT_EQ(std::memcmp(got, want, got_length), 0);
  }
  EXPECT_EQ(received, std::set<std::string>(study.instances.begin(), study.instances.end()));
}

}  // namespace
}  // namespace gateway::test
