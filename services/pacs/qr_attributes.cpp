#include "services/pacs/qr_attributes.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>

namespace gateway::pacs {

const std::vector<QrAttribute>& qrAttributes() {
  using M = InstanceMetadata;
  using L = QrLevel;
  using R = match::Rule;
  using A = QrAggregate;
  static const std::vector<QrAttribute> kAttributes = {
      // Patient (C.6.1.1.2)
      {DCM_PatientID, L::kPatient, R::kText, &M::patient_id, true},
      {DCM_PatientName, L::kPatient, R::kPersonName, &M::patient_name},
      {DCM_PatientBirthDate, L::kPatient, R::kDate, &M::patient_birth_date},
      {DCM_PatientSex, L::kPatient, R::kText, &M::patient_sex},
      {DCM_NumberOfPatientRelatedStudies, L::kPatient, R::kText, nullptr, false, A::kStudies},
      {DCM_NumberOfPatientRelatedSeries, L::kPatient, R::kText, nullptr, false, A::kSeries},
      {DCM_NumberOfPatientRelatedInstances, L::kPatient, R::kText, nullptr, false, A::kInstances},
      // Study (C.6.1.1.3)
      {DCM_StudyInstanceUID, L::kStudy, R::kUidList, &M::study_instance_uid, true},
      {DCM_StudyDate, L::kStudy, R::kDate, &M::study_date},
      {DCM_StudyTime, L::kStudy, R::kTime, &M::study_time},
      {DCM_AccessionNumber, L::kStudy, R::kText, &M::accession_number},
      {DCM_StudyID, L::kStudy, R::kText, &M::study_id},
      {DCM_ReferringPhysicianName, L::kStudy, R::kPersonName, &M::referring_physician_name},
      {DCM_StudyDescription, L::kStudy, R::kText, &M::study_description},
      {DCM_ModalitiesInStudy, L::kStudy, R::kText, nullptr, false, A::kModalities},
      {DCM_SOPClassesInStudy, L::kStudy, R::kUidList, nullptr, false, A::kSopClasses},
      {DCM_NumberOfStudyRelatedSeries, L::kStudy, R::kText, nullptr, false, A::kSeries},
      {DCM_NumberOfStudyRelatedInstances, L::kStudy, R::kText, nullptr, false, A::kInstances},
      // Series (C.6.1.1.4)
      {DCM_SeriesInstanceUID, L::kSeries, R::kUidList, &M::series_instance_uid, true},
      {DCM_Modality, L::kSeries, R::kText, &M::modality},
      {DCM_SeriesNumber, L::kSeries, R::kText, &M::series_number},
      {DCM_SeriesDescription, L::kSeries, R::kText, &M::series_description},
      {DCM_SeriesDate, L::kSeries, R::kDate, &M::series_date},
      {DCM_SeriesTime, L::kSeries, R::kTime, &M::series_time},
      {DCM_BodyPartExamined, L::kSeries, R::kText, &M::body_part_examined},
      {DCM_NumberOfSeriesRelatedInstances, L::kSeries, R::kText, nullptr, false, A::kInstances},
      // Composite object instance (C.6.1.1.5)
      {DCM_SOPInstanceUID, L::kImage, R::kUidList, &M::sop_instance_uid, true},
      {DCM_SOPClassUID, L::kImage, R::kUidList, &M::sop_class_uid},
      {DCM_InstanceNumber, L::kImage, R::kText, &M::instance_number},
      {DCM_ImageLaterality, L::kImage, R::kText, &M::image_laterality},
      {DCM_ViewPosition, L::kImage, R::kText, &M::view_position},
      {DCM_ContentDate, L::kImage, R::kDate, &M::content_date},
      {DCM_ContentTime, L::kImage, R::kTime, &M::content_time},
  };
  return kAttributes;
}

const QrAttribute* findQrAttribute(const DcmTagKey& tag) {
  for (const auto& a : qrAttributes()) {
    if (a.tag == tag) return &a;
  }
  return nullptr;
}

const QrAttribute& uniqueKeyOf(QrLevel level) {
  for (const auto& a : qrAttributes()) {
    if (a.unique && a.level == level) return a;
  }
  return qrAttributes().front();  // unreachable: every level has one
}

const char* levelName(QrLevel level) {
  switch (level) {
    case QrLevel::kPatient:
      return "PATIENT";
    case QrLevel::kStudy:
      return "STUDY";
    case QrLevel::kSeries:
      return "SERIES";
    case QrLevel::kImage:
      return "IMAGE";
  }
  return "?";
}

std::optional<QrLevel> parseLevel(std::string_view text) {
  for (const QrLevel level :
       {QrLevel::kPatient, QrLevel::kStudy, QrLevel::kSeries, QrLevel::kImage}) {
    if (text == levelName(level)) return level;
  }
  return std::nullopt;
}

QrLevel topLevel(QrModel model) {
  return model == QrModel::kPatientRoot ? QrLevel::kPatient : QrLevel::kStudy;
}

const char* modelName(QrModel model) {
  return model == QrModel::kPatientRoot ? "patient-root" : "study-root";
}

std::optional<QrModel> modelOfSopClass(std::string_view uid) {
  if (uid == UID_FINDPatientRootQueryRetrieveInformationModel ||
      uid == UID_MOVEPatientRootQueryRetrieveInformationModel ||
      uid == UID_GETPatientRootQueryRetrieveInformationModel) {
    return QrModel::kPatientRoot;
  }
  if (uid == UID_FINDStudyRootQueryRetrieveInformationModel ||
      uid == UID_MOVEStudyRootQueryRetrieveInformationModel ||
      uid == UID_GETStudyRootQueryRetrieveInformationModel) {
    return QrModel::kStudyRoot;
  }
  return std::nullopt;
}

}  // namespace gateway::pacs
