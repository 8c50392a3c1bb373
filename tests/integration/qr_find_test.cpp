// Query/Retrieve C-FIND on the PACS AE, in-process, driven by DCMTK's SCU over loopback:
// objects stored with C-STORE, then found at every level of both information models on the
// same AE and port; C-CANCEL; refusals that leave the association usable.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scu.h>
#include <gtest/gtest.h>

#include <set>

#include "tests/integration/pacs_harness.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/store_client.h"

namespace gateway::test {
namespace {

struct FindResult {
  OFCondition condition;
  std::uint16_t final_status = 0xffff;
  std::string error_comment;
  std::vector<std::unique_ptr<DcmDataset>> matches;
};

// A reading workstation's query SCU: proposes both FIND models, sends C-FINDs, optionally
// cancels after N answers.
class QrScu : public DcmSCU {
 public:
  explicit QrScu(std::uint16_t port) {
    setAETitle("WORKSTATION");
    setPeerHostName("127.0.0.1");
    setPeerPort(port);
    setPeerAETitle("SCREENING_PACS");
    setACSETimeout(10);
    setDIMSETimeout(30);
    setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    OFList<OFString> ts;
    ts.push_back(UID_LittleEndianExplicitTransferSyntax);
    addPresentationContext(UID_FINDPatientRootQueryRetrieveInformationModel, ts);
    addPresentationContext(UID_FINDStudyRootQueryRetrieveInformationModel, ts);
    EXPECT_TRUE(initNetwork().good());
    EXPECT_TRUE(negotiateAssociation().good());
  }

  FindResult find(const char* sop_class, DcmDataset& query, int cancel_after = -1) {
    FindResult result;
    result_ = &result;
    cancel_after_ = cancel_after;
    received_ = 0;
    result.condition = sendFINDRequest(findPresentationContextID(sop_class, ""), &query, nullptr);
    result_ = nullptr;
    return result;
  }

 protected:
  OFCondition handleFINDResponse(const T_ASC_PresentationContextID id, QRResponse* response,
                                 OFBool& wait_for_next) override {
    if (response->m_status == 0xff00 || response->m_status == 0xff01) {
      if (response->m_dataset != nullptr) {
        result_->matches.emplace_back(new DcmDataset(*response->m_dataset));
      }
      wait_for_next = OFTrue;
      if (++received_ == cancel_after_) sendCANCELRequest(id);
    } else {
      result_->final_status = response->m_status;
      if (response->m_statusDetail != nullptr) {
        OFString comment;
        response->m_statusDetail->findAndGetOFString(DCM_ErrorComment, comment);
        result_->error_comment = comment.c_str();
      }
      wait_for_next = OFFalse;
    }
    return EC_Normal;
  }

 private:
  FindResult* result_ = nullptr;
  int cancel_after_ = -1;
  int received_ = 0;
};

constexpr const char* kPatientRoot = UID_FINDPatientRootQueryRetrieveInformationModel;
constexpr const char* kStudyRoot = UID_FINDStudyRootQueryRetrieveInformationModel;

std::string text(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

DcmDataset query(const char* level) {
  DcmDataset q;
  q.putAndInsertString(DCM_QueryRetrieveLevel, level);
  return q;
}

// Stores the four screening views of one study over C-STORE; returns the object UIDs.
std::vector<std::string> storeStudy(std::uint16_t port, const std::string& patient_id,
                                    const std::string& accession) {
  TestScu scu(port);
  scu.propose({UID_DigitalMammographyXRayImageStorageForPresentation},
              {UID_LittleEndianExplicitTransferSyntax});
  EXPECT_TRUE(scu.connect().good());
  const std::string study = newUid();
  const std::string series = newUid();
  std::vector<std::string> uids;
  int number = 0;
  for (const char* view : {"CC", "MLO", "CC", "MLO"}) {
    ObjectSpec spec;
    spec.patient_id = patient_id;
    spec.patient_name = "ÖZTÜRK^AYŞE";
    spec.accession_number = accession;
    auto object = makeObject(spec);
    object->putAndInsertString(DCM_StudyInstanceUID, study.c_str());
    object->putAndInsertString(DCM_SeriesInstanceUID, series.c_str());
    object->putAndInsertString(DCM_ViewPosition, view);
    object->putAndInsertString(DCM_ImageLaterality, number < 2 ? "L" : "R");
    object->putAndInsertString(DCM_InstanceNumber, std::to_string(++number).c_str());
    object->putAndInsertString(DCM_StudyDescription, "Screening mammography");
    EXPECT_EQ(scu.store(*object).status, 0x0000);
    uids.push_back(text(*object, DCM_SOPInstanceUID));
  }
  scu.releaseAssociation();
  return uids;
}

TEST(QrFindScp, FindsStoredObjectsAtEveryLevelOfBothModels) {
  PacsHarness pacs;
  const auto first = storeStudy(pacs.port(), "PID-1", "ACC-1");
  storeStudy(pacs.port(), "PID-1", "ACC-2");
  storeStudy(pacs.port(), "PID-2", "ACC-3");
  QrScu scu(pacs.port());

  DcmDataset patients = query("PATIENT");
  patients.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
  patients.putAndInsertString(DCM_PatientName, "öztürk*");
  patients.insertEmptyElement(DCM_PatientID);
  patients.insertEmptyElement(DCM_NumberOfPatientRelatedStudies);
  auto result = scu.find(kPatientRoot, patients);
  ASSERT_TRUE(result.condition.good()) << result.condition.text();
  EXPECT_EQ(result.final_status, 0x0000);
  ASSERT_EQ(result.matches.size(), 2u);
  for (const auto& m : result.matches) {
    EXPECT_EQ(text(*m, DCM_PatientName), "ÖZTÜRK^AYŞE");
    EXPECT_EQ(text(*m, DCM_SpecificCharacterSet), "ISO_IR 192");
    EXPECT_EQ(text(*m, DCM_QueryRetrieveLevel), "PATIENT");
    EXPECT_EQ(text(*m, DCM_RetrieveAETitle), "SCREENING_PACS");
    EXPECT_EQ(text(*m, DCM_NumberOfPatientRelatedStudies),
              text(*m, DCM_PatientID) == "PID-1" ? "2" : "1");
  }

  DcmDataset studies = query("STUDY");
  studies.putAndInsertString(DCM_PatientID, "PID-1");
  studies.insertEmptyElement(DCM_StudyInstanceUID);
  studies.insertEmptyElement(DCM_AccessionNumber);
  studies.insertEmptyElement(DCM_ModalitiesInStudy);
  studies.insertEmptyElement(DCM_NumberOfStudyRelatedInstances);
  for (const char* model : {kPatientRoot, kStudyRoot}) {
    result = scu.find(model, studies);
    EXPECT_EQ(result.final_status, 0x0000);
    ASSERT_EQ(result.matches.size(), 2u);
    std::set<std::string> accessions;
    for (const auto& m : result.matches) {
      accessions.insert(text(*m, DCM_AccessionNumber));
      EXPECT_EQ(text(*m, DCM_ModalitiesInStudy), "MG");
      EXPECT_EQ(text(*m, DCM_NumberOfStudyRelatedInstances), "4");
      EXPECT_EQ(text(*m, DCM_SpecificCharacterSet), "");  // all ASCII
    }
    EXPECT_EQ(accessions, (std::set<std::string>{"ACC-1", "ACC-2"}));
  }

  const auto row = pacs.row(first[0]);
  ASSERT_TRUE(row);
  DcmDataset series = query("SERIES");
  series.putAndInsertString(DCM_StudyInstanceUID, row->metadata.study_instance_uid.c_str());
  series.insertEmptyElement(DCM_Modality);
  series.insertEmptyElement(DCM_NumberOfSeriesRelatedInstances);
  result = scu.find(kStudyRoot, series);
  ASSERT_EQ(result.matches.size(), 1u);
  EXPECT_EQ(text(*result.matches[0], DCM_SeriesInstanceUID), row->metadata.series_instance_uid);
  EXPECT_EQ(text(*result.matches[0], DCM_NumberOfSeriesRelatedInstances), "4");

  DcmDataset images = query("IMAGE");
  images.putAndInsertString(DCM_PatientID, "PID-1");
  images.putAndInsertString(DCM_StudyInstanceUID, row->metadata.study_instance_uid.c_str());
  images.putAndInsertString(DCM_SeriesInstanceUID, row->metadata.series_instance_uid.c_str());
  images.putAndInsertString(DCM_ImageLaterality, "L");
  images.insertEmptyElement(DCM_SOPInstanceUID);
  images.insertEmptyElement(DCM_ViewPosition);
  result = scu.find(kPatientRoot, images);
  ASSERT_EQ(result.matches.size(), 2u);
  std::set<std::string> uids;
  for (const auto& m : result.matches) uids.insert(text(*m, DCM_SOPInstanceUID));
  EXPECT_EQ(uids, (std::set<std::string>{first[0], first[1]}));
  scu.releaseAssociation();
}

TEST(QrFindScp, CancelStopsTheAnswersAndTheAssociationGoesOn) {
  PacsHarness pacs;
  // Index rows directly: the cancel is about the answers, not the files.
  for (int i = 0; i < 500; ++i) {
    pacs::StoredInstance r;
    r.metadata.sop_instance_uid = "2.25.7." + std::to_string(i);
    r.metadata.study_instance_uid = "2.25.8." + std::to_string(i);
    r.metadata.series_instance_uid = "2.25.9." + std::to_string(i);
    r.metadata.patient_id = "PID-C";
    r.metadata.accession_number = "C" + std::to_string(i);
    r.storage_path = "00/00/" + std::to_string(i);
    r.storage_hash = "ff";
    pacs.service().index().upsert(r);
  }
  QrScu scu(pacs.port());
  DcmDataset q = query("STUDY");
  q.insertEmptyElement(DCM_AccessionNumber);
  const auto cancelled = scu.find(kStudyRoot, q, 1);
  EXPECT_EQ(cancelled.final_status, 0xFE00);
  EXPECT_LT(cancelled.matches.size(), 500u);
  DcmDataset one = query("STUDY");
  one.putAndInsertString(DCM_AccessionNumber, "C42");
  EXPECT_EQ(scu.find(kStudyRoot, one).matches.size(), 1u);
  scu.releaseAssociation();
}

TEST(QrFindScp, RefusesARelationalQueryWithItsKeyAndStaysUsable) {
  PacsHarness pacs;
  storeStudy(pacs.port(), "PID-1", "ACC-1");
  QrScu scu(pacs.port());
  DcmDataset relational = query("SERIES");
  relational.putAndInsertString(DCM_Modality, "MG");
  auto result = scu.find(kStudyRoot, relational);
  EXPECT_EQ(result.final_status, 0xA900);
  EXPECT_NE(result.error_comment.find("StudyInstanceUID"), std::string::npos)
      << result.error_comment;
  EXPECT_TRUE(result.matches.empty());
  DcmDataset no_level;
  no_level.insertEmptyElement(DCM_PatientID);
  EXPECT_EQ(scu.find(kPatientRoot, no_level).final_status, 0xA900);
  DcmDataset good = query("STUDY");
  good.putAndInsertString(DCM_AccessionNumber, "ACC-1");
  result = scu.find(kStudyRoot, good);
  EXPECT_EQ(result.final_status, 0x0000);
  EXPECT_EQ(result.matches.size(), 1u);
  scu.releaseAssociation();
}

TEST(QrFindScp, NegotiatesBothFindModelsOnThePacsAe) {
  PacsHarness pacs;
  QrScu scu(pacs.port());
  EXPECT_NE(scu.findPresentationContextID(kPatientRoot, ""), 0);
  EXPECT_NE(scu.findPresentationContextID(kStudyRoot, ""), 0);
  scu.releaseAssociation();
}

}  // namespace
}  // namespace gateway::test
