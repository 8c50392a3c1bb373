// The storage SCP driven over loopback by DCMTK's SCU, against a real SQLite file and a
// real storage folder: what a modality sees (statuses) and what it leaves (files, rows).
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <sys/resource.h>

#include <cctype>
#include <csignal>
#include <fstream>
#include <thread>

#include "common/dicom/dimse_status.h"
#include "common/logging/logging.h"
#include "common/crypto/sha256.h"
#include "services/pacs/storage_path.h"
#include "tests/integration/pacs_harness.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/store_client.h"

namespace gateway::test {
namespace {

namespace status = dicom::status;

const std::vector<std::string> kUncompressed = {UID_LittleEndianExplicitTransferSyntax,
                                                UID_LittleEndianImplicitTransferSyntax};

std::unique_ptr<TestScu> connect(std::uint16_t port, const std::vector<std::string>& classes,
                                 const std::vector<std::string>& syntaxes = kUncompressed) {
  auto scu = std::make_unique<TestScu>(port);
  scu->propose(classes, syntaxes);
  const OFCondition cond = scu->connect();
  EXPECT_TRUE(cond.good()) << cond.text();
  return scu;
}

std::string instanceOf(DcmDataset& ds) {
  OFString uid;
  ds.findAndGetOFString(DCM_SOPInstanceUID, uid);
  return uid.c_str();
}

TEST(StorageScp, AnswersEcho) {
  PacsHarness pacs;
  TestScu scu(pacs.port());
  scu.propose({UID_VerificationSOPClass}, kUncompressed);
  ASSERT_TRUE(scu.connect().good());
  EXPECT_TRUE(scu.sendECHORequest(0).good());
  scu.releaseAssociation();
}

TEST(StorageScp, RejectsAnotherCalledAeTitle) {
  PacsHarness pacs;
  const auto attempt =
      tryAssociation(pacs.port(), "SOMEONE_ELSE", {UID_VerificationSOPClass}, kUncompressed);
  ASSERT_TRUE(attempt.rejected) << attempt.error;
  EXPECT_EQ(attempt.result, ASC_RESULT_REJECTEDPERMANENT);
  EXPECT_EQ(attempt.reason, ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED);
}

TEST(StorageScp, StoresEveryScreeningSopClassBitForBit) {
  PacsHarness pacs;
  const std::vector<std::string> classes = {UID_DigitalMammographyXRayImageStorageForPresentation,
                                            UID_DigitalMammographyXRayImageStorageForProcessing,
                                            UID_BreastTomosynthesisImageStorage,
                                            UID_BreastProjectionXRayImageStorageForPresentation,
                                            UID_BreastProjectionXRayImageStorageForProcessing,
                                            UID_SecondaryCaptureImageStorage,
                                            UID_XRayRadiationDoseSRStorage,
                                            UID_GrayscaleSoftcopyPresentationStateStorage};
  auto scu = connect(pacs.port(), classes);
  for (const auto& sop_class : classes) {
    SCOPED_TRACE(sop_class);
    ObjectSpec spec;
    spec.sop_class_uid = sop_class;
    spec.frames = sop_class == UID_BreastTomosynthesisImageStorage ? 3 : 1;
    auto ds = makeObject(spec);
    const auto response = scu->store(*ds);
    ASSERT_TRUE(response.sent) << response.error;
    EXPECT_EQ(response.status, status::kSuccess) << response.error_comment;

    const std::string uid = instanceOf(*ds);
    const auto row = pacs.row(uid);
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->storage_path, pacs::storagePathFor(uid));
    EXPECT_EQ(row->metadata.sop_class_uid, sop_class);
    EXPECT_EQ(row->metadata.transfer_syntax_uid, UID_LittleEndianExplicitTransferSyntax);
    EXPECT_EQ(row->source_aet, "TEST_MODALITY");
    EXPECT_EQ(row->status, "STORED");
    const auto file = pacs.storage() / row->storage_path;
    EXPECT_TRUE(datasetBytesOfFile(file) == encodeLikeDimse(*ds, EXS_LittleEndianExplicit))
        << "stored dataset differs from the bytes sent";
    EXPECT_EQ(row->storage_hash, crypto::sha256OfFile(file).value());
    EXPECT_EQ(row->file_size, static_cast<std::int64_t>(std::filesystem::file_size(file)));
  }
  EXPECT_EQ(pacs.rowCount(), static_cast<std::int64_t>(classes.size()));
  EXPECT_EQ(pacs.storedFileCount(), classes.size());
  EXPECT_EQ(pacs.temporaryFileCount(), 0u);
  scu->releaseAssociation();
}

TEST(StorageScp, IndexesPatientAndStudyAttributesAsUtf8) {
  PacsHarness pacs;
  auto scu = connect(pacs.port(), {UID_DigitalMammographyXRayImageStorageForPresentation});
  ObjectSpec spec;
  spec.patient_name = "MÜLLER^JÜRGEN";
  spec.patient_id = "PID-77";
  spec.accession_number = "ACC-77";
  auto ds = makeObject(spec);
  ASSERT_EQ(scu->store(*ds).status, status::kSuccess);
  const auto row = pacs.row(instanceOf(*ds));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->metadata.patient_name, "MÜLLER^JÜRGEN");
  EXPECT_EQ(row->metadata.patient_id, "PID-77");
  EXPECT_EQ(row->metadata.accession_number, "ACC-77");
  EXPECT_EQ(row->metadata.modality, "MG");
  EXPECT_EQ(row->metadata.image_laterality, "L");
  EXPECT_EQ(row->metadata.view_position, "CC");
  EXPECT_EQ(row->metadata.study_instance_uid, instanceOf(*ds) + ".1");
  scu->releaseAssociation();
}

class TransferSyntaxTest : public ::testing::TestWithParam<E_TransferSyntax> {
 protected:
  static void SetUpTestSuite() {
    DJEncoderRegistration::registerCodecs();
    DJLSEncoderRegistration::registerCodecs();
    DcmRLEEncoderRegistration::registerCodecs();
  }
};

TEST_P(TransferSyntaxTest, StoresInTheNegotiatedTransferSyntaxUnchanged) {
  const E_TransferSyntax xfer = GetParam();
  const std::string xfer_uid = DcmXfer(xfer).getXferID();
  PacsHarness pacs;
  auto scu =
      connect(pacs.port(), {UID_DigitalMammographyXRayImageStorageForPresentation}, {xfer_uid});
  auto ds = makeObject({});
  if (DcmXfer(xfer).isEncapsulated()) {
    ASSERT_TRUE(ds->chooseRepresentation(xfer, nullptr).good());
    ASSERT_TRUE(ds->canWriteXfer(xfer));
  }
  const auto response = scu->store(*ds, "", "", xfer_uid);
  ASSERT_TRUE(response.sent) << response.error;
  ASSERT_EQ(response.status, status::kSuccess) << response.error_comment;
  const auto row = pacs.row(instanceOf(*ds));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->metadata.transfer_syntax_uid, xfer_uid);
  const std::string stored = datasetBytesOfFile(pacs.storage() / row->storage_path);
  std::string sent = encodeLikeDimse(*ds, xfer);
  // A deflated stream of odd length travels with one pad byte (PDV fragments are even).
  if (xfer == EXS_DeflatedLittleEndianExplicit && sent.size() % 2 == 1) sent.push_back('\0');
  EXPECT_EQ(stored.size(), sent.size());
  EXPECT_TRUE(stored == sent) << "stored dataset differs from the bytes sent";
  scu->releaseAssociation();
}

INSTANTIATE_TEST_SUITE_P(Syntaxes, TransferSyntaxTest,
                         ::testing::Values(EXS_LittleEndianImplicit, EXS_LittleEndianExplicit,
                                           EXS_DeflatedLittleEndianExplicit, EXS_JPEGProcess14SV1,
                                           EXS_JPEGLSLossless, EXS_RLELossless),
                         [](const auto& param_info) {
                           std::string name = DcmXfer(param_info.param).getXferName();
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(StorageScp, RefusesUnsupportedSopClassAndTransferSyntaxAtNegotiation) {
  PacsHarness pacs([](config::GatewayConfig& c) {
    c.pacs.allowed_sop_classes = {UID_DigitalMammographyXRayImageStorageForPresentation};
  });
  TestScu scu(pacs.port());
  scu.propose({UID_DigitalMammographyXRayImageStorageForProcessing}, kUncompressed);
  scu.propose({UID_DigitalMammographyXRayImageStorageForPresentation}, {"1.2.3.4.5.6.7"});
  scu.propose({UID_DigitalMammographyXRayImageStorageForPresentation}, kUncompressed);
  ASSERT_TRUE(scu.connect().good());
  EXPECT_EQ(scu.findPresentationContextID(UID_DigitalMammographyXRayImageStorageForProcessing,
                                          UID_LittleEndianExplicitTransferSyntax),
            0);
  EXPECT_EQ(scu.findPresentationContextID(UID_DigitalMammographyXRayImageStorageForPresentation,
                                          "1.2.3.4.5.6.7"),
            0);
  EXPECT_NE(scu.findPresentationContextID(UID_DigitalMammographyXRayImageStorageForPresentation,
                                          UID_LittleEndianExplicitTransferSyntax),
            0);
  scu.releaseAssociation();

  // Nothing acceptable at all: the whole association is rejected.
  const auto attempt = tryAssociation(pacs.port(), "SCREENING_PACS",
                                      {UID_FINDModalityWorklistInformationModel}, kUncompressed);
  EXPECT_TRUE(attempt.rejected) << attempt.error;
  EXPECT_EQ(attempt.result, ASC_RESULT_REJECTEDPERMANENT);
}

TEST(StorageScp, DuplicateKeepsTheFirstCopyByDefault) {
  // Capture the log (added before the service's threads start) to check the duplicate line.
  logging::initLogging("info");
  auto captured = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  logging::addSink(captured);
  struct SinkGuard {
    spdlog::sink_ptr sink;
    ~SinkGuard() { logging::removeSink(sink); }
  } guard{captured};
  PacsHarness pacs;
  auto scu = connect(pacs.port(), {UID_DigitalMammographyXRayImageStorageForPresentation});
  auto first = makeObject({});
  const std::string uid = instanceOf(*first);
  ASSERT_EQ(scu->store(*first).status, status::kSuccess);
  const auto original = pacs.row(uid).value();

  ObjectSpec changed;
  changed.sop_instance_uid = uid;
  changed.patient_name = "OTHER^NAME";
  auto second = makeObject(changed);
  EXPECT_EQ(scu->store(*second).status, status::kSuccess);
  const auto after = pacs.row(uid).value();
  EXPECT_EQ(after.storage_hash, original.storage_hash);
  EXPECT_EQ(after.metadata.patient_name, "DOE^JANE");
  EXPECT_EQ(pacs.rowCount(), 1);
  EXPECT_EQ(pacs.storedFileCount(), 1u);
  EXPECT_EQ(pacs.temporaryFileCount(), 0u);
  EXPECT_EQ(crypto::sha256OfFile(pacs.storage() / after.storage_path).value(),
            original.storage_hash);
  // The second, different copy is not lost: it is quarantined, recorded with both hashes.
  const auto quarantined = pacs.service().index().quarantined();
  ASSERT_EQ(quarantined.size(), 1u);
  EXPECT_EQ(quarantined[0].sop_instance_uid, uid);
  EXPECT_EQ(quarantined[0].held_hash, original.storage_hash);
  EXPECT_EQ(quarantined[0].source_aet, "TEST_MODALITY");
  EXPECT_EQ(crypto::sha256OfFile(pacs.storage() / quarantined[0].quarantine_path).value(),
            quarantined[0].storage_hash);
  EXPECT_EQ(pacs.quarantinedFileCount(), 1u);
  // The same bytes sent a third time are a plain re-send: nothing more is quarantined.
  EXPECT_EQ(scu->store(*first).status, status::kSuccess);
  EXPECT_EQ(pacs.service().index().quarantined().size(), 1u);
  scu->releaseAssociation();
  // The log says which copy was kept, with both hashes.
  bool logged = false;
  for (const auto& line : captured->last_formatted()) {
    if (line.find("duplicate sop_instance=" + uid) != std::string::npos &&
        line.find("kept first") != std::string::npos &&
        line.find("held_hash=" + original.storage_hash) != std::string::npos &&
        line.find("received_hash=") != std::string::npos) {
      logged = true;
    }
  }
  EXPECT_TRUE(logged);
}

TEST(StorageScp, DuplicateReplacesAtomicallyWhenConfigured) {
  PacsHarness pacs([](config::GatewayConfig& c) {
    c.pacs.duplicate_policy = config::DuplicatePolicy::kReplace;
  });
  auto scu = connect(pacs.port(), {UID_DigitalMammographyXRayImageStorageForPresentation});
  auto first = makeObject({});
  const std::string uid = instanceOf(*first);
  ASSERT_EQ(scu->store(*first).status, status::kSuccess);
  const auto original = pacs.row(uid).value();
  ObjectSpec changed;
  changed.sop_instance_uid = uid;
  changed.patient_name = "OTHER^NAME";
  auto second = makeObject(changed);
  ASSERT_EQ(scu->store(*second).status, status::kSuccess);
  const auto after = pacs.row(uid).value();
  EXPECT_NE(after.storage_hash, original.storage_hash);
  EXPECT_EQ(after.metadata.patient_name, "OTHER^NAME");
  EXPECT_EQ(pacs.rowCount(), 1);
  EXPECT_EQ(pacs.storedFileCount(), 1u);
  EXPECT_EQ(crypto::sha256OfFile(pacs.storage() / after.storage_path).value(), after.storage_hash);
  scu->releaseAssociation();
}

// Each hostile or broken request: the right status, an Error Comment, nothing kept, and the
// association still serves the next object.
struct BadStoreCase {
  const char* name;
  std::uint16_t expected_status;
  const char* comment_fragment;
};

class BadStoreTest : public ::testing::TestWithParam<BadStoreCase> {};

TEST_P(BadStoreTest, AnswersWithFailureAndKeepsNothing) {
  const BadStoreCase& c = GetParam();
  PacsHarness pacs;
  auto scu = connect(pacs.port(), {UID_DigitalMammographyXRayImageStorageForPresentation,
                                   UID_SecondaryCaptureImageStorage});
  auto ds = makeObject({});
  const std::string uid = instanceOf(*ds);
  std::string command_class;
  std::string command_instance;
  const std::string name = c.name;
  if (name == "missing_instance_uid") {
    ds->findAndDeleteElement(DCM_SOPInstanceUID);
    command_instance = uid;
  } else if (name == "instance_uid_mismatch") {
    command_instance = newUid();
  } else if (name == "class_uid_mismatch") {
    ds->putAndInsertString(DCM_SOPClassUID, UID_SecondaryCaptureImageStorage);
    command_class = UID_DigitalMammographyXRayImageStorageForPresentation;
  } else if (name == "invalid_instance_uid") {
    command_instance = "1.2.abc.4";
  } else if (name == "missing_study_uid") {
    ds->findAndDeleteElement(DCM_StudyInstanceUID);
  } else if (name == "missing_series_uid") {
    ds->findAndDeleteElement(DCM_SeriesInstanceUID);
  } else if (name == "pixel_data_without_rows") {
    ds->findAndDeleteElement(DCM_Rows);
  } else if (name == "class_differs_from_context") {
    command_class = UID_SecondaryCaptureImageStorage;  // but sent on the MG context
  }
  const StoreResponse response = scu->store(*ds, command_class, command_instance, "",
                                            UID_DigitalMammographyXRayImageStorageForPresentation);
  ASSERT_TRUE(response.sent) << response.error;
  EXPECT_EQ(response.status, c.expected_status);
  EXPECT_NE(response.error_comment.find(c.comment_fragment), std::string::npos)
      << response.error_comment;
  EXPECT_EQ(pacs.rowCount(), 0);
  EXPECT_EQ(pacs.storedFileCount(), 0u);
  EXPECT_EQ(pacs.temporaryFileCount(), 0u);
  auto good = makeObject({});
  EXPECT_EQ(scu->store(*good).status, status::kSuccess);
  scu->releaseAssociation();
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, BadStoreTest,
    ::testing::Values(
        BadStoreCase{"missing_instance_uid", status::kCannotUnderstand, "no SOP Instance UID"},
        BadStoreCase{"instance_uid_mismatch", status::kDataSetDoesNotMatchSopClass,
                     "SOP Instance UID in dataset"},
        BadStoreCase{"class_uid_mismatch", status::kDataSetDoesNotMatchSopClass,
                     "SOP Class UID in dataset"},
        BadStoreCase{"invalid_instance_uid", status::kCannotUnderstand, "not a valid UID"},
        BadStoreCase{"class_differs_from_context", status::kSopClassNotSupported,
                     "negotiated presentation context"},
        BadStoreCase{"missing_study_uid", status::kDataSetDoesNotMatchSopClass,
                     "no Study Instance UID (0020,000d)"},
        BadStoreCase{"missing_series_uid", status::kDataSetDoesNotMatchSopClass,
                     "no Series Instance UID (0020,000e)"},
        BadStoreCase{"pixel_data_without_rows", status::kDataSetDoesNotMatchSopClass,
                     "no Rows for its Pixel Data"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(StorageScp, StoresButFlagsObjectsWithoutPatientIdOrAccession) {
  PacsHarness pacs;
  auto scu = connect(pacs.port(), {UID_DigitalMammographyXRayImageStorageForPresentation});
  auto ds = makeObject({});
  ds->findAndDeleteElement(DCM_PatientID);
  ds->findAndDeleteElement(DCM_AccessionNumber);
  const std::string uid = instanceOf(*ds);
  ASSERT_EQ(scu->store(*ds).status, status::kSuccess);
  EXPECT_EQ(pacs.row(uid)->flags, "no_patient_id,no_accession_number");
  auto complete = makeObject({});
  ASSERT_EQ(scu->store(*complete).status, status::kSuccess);
  EXPECT_EQ(pacs.row(instanceOf(*complete))->flags, "");
  scu->releaseAssociation();
}

TEST(StorageScp, RefusesObjectsOverTheSizeLimitWhileReceiving) {
  PacsHarness pacs([](config::GatewayConfig& c) { c.pacs.max_object_size = 64 * 1024; });
  auto scu = connect(pacs.port(), {UID_DigitalMammographyXRayImageStorageForPresentation});
  ObjectSpec big;
  big.rows = 512;
  big.columns = 512;  // 512 KiB of pixels
  auto ds = makeObject(big);
  const auto response = scu->store(*ds);
  ASSERT_TRUE(response.sent) << response.error;
  EXPECT_EQ(response.status, status::kOutOfResources);
  EXPECT_NE(response.error_comment.find("larger than"), std::string::npos);
  EXPECT_EQ(pacs.rowCount(), 0);
  EXPECT_EQ(pacs.storedFileCount(), 0u);
  EXPECT_EQ(pacs.temporaryFileCount(), 0u);
  auto small = makeObject({});
  EXPECT_EQ(scu->store(*small).status, status::kSuccess);
  scu->releaseAssociation();
}

TEST(StorageScp, AnswersOutOfResourcesOnWriteErrors) {
  PacsHarness pacs;
  auto scu = connect(pacs.port(), {UID_DigitalMammographyXRayImageStorageForPresentation});
  // A file-size limit makes every write past 256 KiB fail with EFBIG, as a full disk would
  // fail with ENOSPC: the same path through the code, without needing a real full disk.
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit old_limit{};
  getrlimit(RLIMIT_FSIZE, &old_limit);
  rlimit limit = old_limit;
  limit.rlim_cur = 256 * 1024;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  ObjectSpec big;
  big.rows = 512;
  big.columns = 512;
  auto ds = makeObject(big);
  const auto response = scu->store(*ds);
  setrlimit(RLIMIT_FSIZE, &old_limit);
  ASSERT_TRUE(response.sent) << response.error;
  EXPECT_EQ(response.status, status::kOutOfResources);
  EXPECT_NE(response.error_comment.find("cannot write"), std::string::npos)
      << response.error_comment;
  EXPECT_EQ(pacs.rowCount(), 0);
  EXPECT_EQ(pacs.storedFileCount(), 0u);
  EXPECT_EQ(pacs.temporaryFileCount(), 0u);
  auto small = makeObject({});
  EXPECT_EQ(scu->store(*small).status, status::kSuccess);
  scu->releaseAssociation();
}

TEST(StorageScp, FourConcurrentAssociationsAllStore) {
  PacsHarness pacs;
  constexpr int kClients = 4;
  constexpr int kObjectsEach = 10;
  std::vector<std::thread> clients;
  std::vector<int> successes(kClients, 0);
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      TestScu scu(pacs.port());
      scu.propose({UID_DigitalMammographyXRayImageStorageForPresentation}, kUncompressed);
      if (scu.connect().bad()) return;
      for (int i = 0; i < kObjectsEach; ++i) {
        auto ds = makeObject({});
        if (scu.store(*ds).status == status::kSuccess) ++successes[static_cast<std::size_t>(c)];
      }
      scu.releaseAssociation();
    });
  }
  for (auto& t : clients) t.join();
  for (int c = 0; c < kClients; ++c)
    EXPECT_EQ(successes[static_cast<std::size_t>(c)], kObjectsEach);
  EXPECT_EQ(pacs.rowCount(), kClients * kObjectsEach);
  EXPECT_EQ(pacs.storedFileCount(), static_cast<std::size_t>(kClients * kObjectsEach));
}

TEST(StorageScp, RestartReconcilesWhatACrashLeaves) {
  PacsHarness pacs;
  std::string kept_uid;
  std::string orphan_uid;
  std::string gone_uid;
  {
    auto scu = connect(pacs.port(), {UID_DigitalMammographyXRayImageStorageForPresentation});
    for (std::string* uid : {&kept_uid, &orphan_uid, &gone_uid}) {
      auto ds = makeObject({});
      *uid = instanceOf(*ds);
      ASSERT_EQ(scu->store(*ds).status, status::kSuccess);
    }
    scu->releaseAssociation();
  }
  const auto orphan_row = pacs.row(orphan_uid).value();
  const auto gone_row = pacs.row(gone_uid).value();
  pacs.service().index().remove(orphan_uid);                        // file without a row
  std::filesystem::remove(pacs.storage() / gone_row.storage_path);  // row without a file
  const auto leftover = pacs.storage() / pacs::FileStore::kIncomingDir / "deadbeef.part";
  { std::ofstream(leftover) << "half an object"; }  // interrupted transfer

  pacs.restart();
  const auto& report = pacs.service().reconcileReport();
  EXPECT_EQ(report.temporary_files_removed, 1u);
  EXPECT_EQ(report.files_indexed, 1u);
  EXPECT_EQ(report.rows_missing, 1u);
  EXPECT_FALSE(std::filesystem::exists(leftover));
  const auto restored = pacs.row(orphan_uid);
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(restored->storage_hash, orphan_row.storage_hash);
  EXPECT_EQ(pacs.row(gone_uid)->status, "MISSING");
  EXPECT_EQ(pacs.row(kept_uid)->status, "STORED");
}

}  // namespace
}  // namespace gateway::test
