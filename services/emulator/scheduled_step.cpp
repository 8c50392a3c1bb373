#include "services/emulator/scheduled_step.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <algorithm>

namespace gateway::emulator {
namespace {

std::string read(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).bad()) return "";
  return std::string(value.c_str(), value.length());
}

bool isAscii(const std::string& value) {
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

std::unique_ptr<DcmDataset> buildWorklistQuery(const std::string& date,
                                               const std::string& station_aet) {
  auto query = std::make_unique<DcmDataset>();
  // We read UTF-8 best; the SCP answers in it when the query says so.
  query->putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
  for (const DcmTagKey& tag : {DCM_PatientName, DCM_PatientID, DCM_PatientBirthDate, DCM_PatientSex,
                               DCM_AccessionNumber, DCM_StudyInstanceUID, DCM_RequestedProcedureID,
                               DCM_RequestedProcedureDescription, DCM_ReferringPhysicianName}) {
    query->insertEmptyElement(tag);
  }
  DcmItem* step = nullptr;
  query->findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, step, -2);
  if (step != nullptr) {
    step->putAndInsertString(DCM_Modality, "MG");
    step->putAndInsertString(DCM_ScheduledProcedureStepStartDate, date.c_str());
    step->insertEmptyElement(DCM_ScheduledProcedureStepStartTime);
    if (station_aet.empty()) {
      step->insertEmptyElement(DCM_ScheduledStationAETitle);
    } else {
      step->putAndInsertString(DCM_ScheduledStationAETitle, station_aet.c_str());
    }
    step->insertEmptyElement(DCM_ScheduledProcedureStepID);
    step->insertEmptyElement(DCM_ScheduledProcedureStepDescription);
    step->insertEmptyElement(DCM_ScheduledProcedureStepStatus);
  }
  return query;
}

ScheduledStep scheduledStepFromResponse(DcmDataset& response) {
  OFString charset;
  if (response.findAndGetOFStringArray(DCM_SpecificCharacterSet, charset).good() &&
      !charset.empty() && charset != "ISO_IR 192") {
    // Best effort: on failure the values stay as they are.
    response.convertToUTF8();
  }
  ScheduledStep step;
  step.patient_name = read(response, DCM_PatientName);
  step.patient_id = read(response, DCM_PatientID);
  step.patient_birth_date = read(response, DCM_PatientBirthDate);
  step.patient_sex = read(response, DCM_PatientSex);
  step.accession_number = read(response, DCM_AccessionNumber);
  step.study_instance_uid = read(response, DCM_StudyInstanceUID);
  step.requested_procedure_id = read(response, DCM_RequestedProcedureID);
  step.requested_procedure_description = read(response, DCM_RequestedProcedureDescription);
  step.referring_physician = read(response, DCM_ReferringPhysicianName);
  DcmItem* sps = nullptr;
  if (response.findAndGetSequenceItem(DCM_ScheduledProcedureStepSequence, sps, 0).good() &&
      sps != nullptr) {
    step.modality = read(*sps, DCM_Modality);
    step.station_aet = read(*sps, DCM_ScheduledStationAETitle);
    step.start_date = read(*sps, DCM_ScheduledProcedureStepStartDate);
    step.start_time = read(*sps, DCM_ScheduledProcedureStepStartTime);
    step.step_id = read(*sps, DCM_ScheduledProcedureStepID);
    step.step_description = read(*sps, DCM_ScheduledProcedureStepDescription);
    step.step_status = read(*sps, DCM_ScheduledProcedureStepStatus);
  }
  return step;
}

bool hasNonAscii(const ScheduledStep& step) {
  for (const std::string* value :
       {&step.patient_name, &step.patient_id, &step.accession_number, &step.requested_procedure_id,
        &step.requested_procedure_description, &step.referring_physician, &step.step_id,
        &step.step_description}) {
    if (!isAscii(*value)) return true;
  }
  return false;
}

}  // namespace gateway::emulator
