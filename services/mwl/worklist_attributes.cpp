#include "services/mwl/worklist_attributes.h"

#include <dcmtk/dcmdata/dcdeftag.h>

namespace gateway::mwl {

std::optional<match::Rule> matchingRule(Matching matching) {
  switch (matching) {
    case Matching::kText:
      return match::Rule::kText;
    case Matching::kPersonName:
      return match::Rule::kPersonName;
    case Matching::kUidList:
      return match::Rule::kUidList;
    case Matching::kDate:
      return match::Rule::kDate;
    case Matching::kTime:
      return match::Rule::kTime;
    case Matching::kStatus:
    case Matching::kReturnOnly:
      break;
  }
  return std::nullopt;
}

const std::vector<WorklistAttribute>& worklistAttributes() {
  using W = WorklistItem;
  static const std::vector<WorklistAttribute> kAttributes = {
      {DCM_AccessionNumber, Level::kTop, &W::accession_number, Matching::kText},
      {DCM_PatientName, Level::kTop, &W::patient_name, Matching::kPersonName},
      {DCM_PatientID, Level::kTop, &W::patient_id, Matching::kText},
      {DCM_PatientBirthDate, Level::kTop, &W::patient_birth_date, Matching::kDate},
      {DCM_PatientSex, Level::kTop, &W::patient_sex, Matching::kText},
      {DCM_ReferringPhysicianName, Level::kTop, &W::referring_physician, Matching::kPersonName},
      {DCM_StudyInstanceUID, Level::kTop, &W::study_instance_uid, Matching::kUidList},
      {DCM_RequestedProcedureDescription, Level::kTop, &W::study_description, Matching::kText},
      {DCM_StudyDescription, Level::kTop, &W::study_description, Matching::kText},
      {DCM_RequestedProcedureID, Level::kTop, &W::requested_procedure_id, Matching::kText},
      {DCM_Modality, Level::kStep, &W::modality, Matching::kText},
      {DCM_ScheduledStationAETitle, Level::kStep, &W::scheduled_station_aet, Matching::kText},
      {DCM_ScheduledProcedureStepStartDate, Level::kStep, &W::scheduled_date, Matching::kDate},
      {DCM_ScheduledProcedureStepStartTime, Level::kStep, &W::scheduled_time, Matching::kTime},
      {DCM_ScheduledPerformingPhysicianName, Level::kStep, &W::performing_physician,
       Matching::kPersonName},
      {DCM_ScheduledProcedureStepDescription, Level::kStep, &W::scheduled_step_description,
       Matching::kText},
      {DCM_ScheduledProcedureStepID, Level::kStep, &W::scheduled_step_id, Matching::kText},
      {DCM_ScheduledStationName, Level::kStep, &W::scheduled_station_name, Matching::kText},
      {DCM_ScheduledProcedureStepLocation, Level::kStep, &W::scheduled_location, Matching::kText},
      {DCM_ScheduledProcedureStepStatus, Level::kStep, &W::status, Matching::kStatus},
      {DCM_CodeValue, Level::kProcedureCode, &W::procedure_code, Matching::kReturnOnly},
      {DCM_CodingSchemeDesignator, Level::kProcedureCode, &W::procedure_code_scheme,
       Matching::kReturnOnly},
      {DCM_CodeMeaning, Level::kProcedureCode, &W::procedure_code_meaning, Matching::kReturnOnly},
      {DCM_CodeValue, Level::kProtocolCode, &W::protocol_code, Matching::kReturnOnly},
      {DCM_CodingSchemeDesignator, Level::kProtocolCode, &W::protocol_code_scheme,
       Matching::kReturnOnly},
      {DCM_CodeMeaning, Level::kProtocolCode, &W::protocol_code_meaning, Matching::kReturnOnly},
  };
  return kAttributes;
}

const WorklistAttribute* findAttribute(Level level, const DcmTagKey& tag) {
  for (const auto& a : worklistAttributes()) {
    if (a.level == level && a.tag == tag) return &a;
  }
  return nullptr;
}

std::string stepStatusTerm(const std::string& stored_status) {
  return stored_status == kInProgress ? "STARTED" : stored_status;
}

}  // namespace gateway::mwl
