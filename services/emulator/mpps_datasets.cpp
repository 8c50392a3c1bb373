#include "services/emulator/mpps_datasets.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>

#include "common/dicom_values/dataset_values.h"

namespace gateway::emulator {
namespace {

constexpr auto& put = dicom_values::putOrEmpty;

}  // namespace

std::unique_ptr<DcmDataset> buildInProgress(const ScheduledStep& step,
                                            const PerformedStep& performed) {
  auto ds = std::make_unique<DcmDataset>();
  DcmDataset& d = *ds;
  if (hasNonAscii(step)) d.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
  // Performed Procedure Step Relationship
  DcmItem* scheduled = nullptr;
  if (d.findOrCreateSequenceItem(DCM_ScheduledStepAttributesSequence, scheduled, -2).good()) {
    put(*scheduled, DCM_StudyInstanceUID, step.study_instance_uid);
    scheduled->insertEmptyElement(DCM_ReferencedStudySequence);
    put(*scheduled, DCM_AccessionNumber, step.accession_number);
    put(*scheduled, DCM_RequestedProcedureID, step.requested_procedure_id);
    put(*scheduled, DCM_RequestedProcedureDescription, step.requested_procedure_description);
    put(*scheduled, DCM_ScheduledProcedureStepID, step.step_id);
    put(*scheduled, DCM_ScheduledProcedureStepDescription, step.step_description);
    scheduled->insertEmptyElement(DCM_ScheduledProtocolCodeSequence);
  }
  put(d, DCM_PatientName, step.patient_name);
  put(d, DCM_PatientID, step.patient_id);
  put(d, DCM_PatientBirthDate, step.patient_birth_date);
  put(d, DCM_PatientSex, step.patient_sex);
  d.insertEmptyElement(DCM_ReferencedPatientSequence);
  put(d, DCM_StudyInstanceUID, step.study_instance_uid);
  // Performed Procedure Step Information
  put(d, DCM_PerformedProcedureStepID, performed.id);
  put(d, DCM_PerformedStationAETitle, performed.station_aet);
  d.insertEmptyElement(DCM_PerformedStationName);
  d.insertEmptyElement(DCM_PerformedLocation);
  put(d, DCM_PerformedProcedureStepStartDate, performed.start_date);
  put(d, DCM_PerformedProcedureStepStartTime, performed.start_time);
  d.putAndInsertString(DCM_PerformedProcedureStepStatus, "IN PROGRESS");
  put(d, DCM_PerformedProcedureStepDescription, performed.description);
  d.insertEmptyElement(DCM_PerformedProcedureTypeDescription);
  d.insertEmptyElement(DCM_ProcedureCodeSequence);
  d.insertEmptyElement(DCM_PerformedProcedureStepEndDate);
  d.insertEmptyElement(DCM_PerformedProcedureStepEndTime);
  // Image Acquisition Results
  d.putAndInsertString(DCM_Modality, "MG");
  put(d, DCM_StudyID, step.requested_procedure_id.substr(0, 16));
  d.insertEmptyElement(DCM_PerformedProtocolCodeSequence);
  d.insertEmptyElement(DCM_PerformedSeriesSequence);
  return ds;
}

std::unique_ptr<DcmDataset> buildFinal(const std::string& status, const std::string& end_date,
                                       const std::string& end_time, const PerformedSeries& series,
                                       bool non_ascii) {
  auto ds = std::make_unique<DcmDataset>();
  DcmDataset& d = *ds;
  if (non_ascii) d.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
  d.putAndInsertString(DCM_PerformedProcedureStepStatus, status.c_str());
  d.putAndInsertString(DCM_PerformedProcedureStepEndDate, end_date.c_str());
  d.putAndInsertString(DCM_PerformedProcedureStepEndTime, end_time.c_str());
  d.insertEmptyElement(DCM_PerformedSeriesSequence);
  DcmItem* item = nullptr;
  if (d.findOrCreateSequenceItem(DCM_PerformedSeriesSequence, item, -2).good()) {
    item->insertEmptyElement(DCM_PerformingPhysicianName);
    put(*item, DCM_ProtocolName, series.protocol_name);
    item->insertEmptyElement(DCM_OperatorsName);
    put(*item, DCM_SeriesInstanceUID, series.series_instance_uid);
    put(*item, DCM_SeriesDescription, series.series_description);
    put(*item, DCM_RetrieveAETitle, series.retrieve_aet);
    item->insertEmptyElement(DCM_ReferencedImageSequence);
    for (const auto& uid : series.sop_instance_uids) {
      DcmItem* image = nullptr;
      if (item->findOrCreateSequenceItem(DCM_ReferencedImageSequence, image, -2).bad()) continue;
      image->putAndInsertString(DCM_ReferencedSOPClassUID, series.sop_class_uid.c_str());
      image->putAndInsertString(DCM_ReferencedSOPInstanceUID, uid.c_str());
    }
    item->insertEmptyElement(DCM_ReferencedNonImageCompositeSOPInstanceSequence);
  }
  return ds;
}

}  // namespace gateway::emulator
