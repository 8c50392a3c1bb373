#include "tests/support/mpps_fixtures.h"

#include <dcmtk/dcmdata/dcdeftag.h>

namespace gateway::test {

DcmDataset mppsCreateAttributes(const std::string& accession, const std::string& patient_id,
                                const std::string& date) {
  DcmDataset ds;
  ds.putAndInsertString(DCM_PerformedProcedureStepStatus, "IN PROGRESS");
  ds.putAndInsertString(DCM_PerformedProcedureStepID, "PPS-1");
  ds.putAndInsertString(DCM_PerformedStationAETitle, "MAMMO1");
  ds.putAndInsertString(DCM_PerformedProcedureStepStartDate, date.c_str());
  ds.putAndInsertString(DCM_PerformedProcedureStepStartTime, "093500");
  ds.insertEmptyElement(DCM_PerformedProcedureStepEndDate);
  ds.insertEmptyElement(DCM_PerformedProcedureStepEndTime);
  ds.putAndInsertString(DCM_Modality, "MG");
  ds.putAndInsertString(DCM_PatientName, "DOE^JANE");
  ds.putAndInsertString(DCM_PatientID, patient_id.c_str());
  DcmItem* ssa = nullptr;
  ds.findOrCreateSequenceItem(DCM_ScheduledStepAttributesSequence, ssa, -2);
  ssa->putAndInsertString(DCM_AccessionNumber, accession.c_str());
  ssa->putAndInsertString(DCM_ScheduledProcedureStepID, accession.c_str());
  ssa->putAndInsertString(DCM_StudyInstanceUID, kMppsStudyUid);
  return ds;
}

DcmDataset mppsSetStatus(const std::string& status) {
  DcmDataset ds;
  ds.putAndInsertString(DCM_PerformedProcedureStepStatus, status.c_str());
  ds.putAndInsertString(DCM_PerformedProcedureStepEndDate, "20261128");
  ds.putAndInsertString(DCM_PerformedProcedureStepEndTime, "094500");
  return ds;
}

DcmDataset mppsDiscontinuedWrongItem() {
  DcmDataset ds = mppsSetStatus("DISCONTINUED");
  DcmItem* reason = nullptr;
  ds.findOrCreateSequenceItem(DCM_PerformedProcedureStepDiscontinuationReasonCodeSequence, reason,
                              -2);
  reason->putAndInsertString(DCM_CodeValue, "110514");
  reason->putAndInsertString(DCM_CodingSchemeDesignator, "DCM");
  reason->putAndInsertString(DCM_CodeMeaning, "Incorrect worklist entry selected");
  return ds;
}

}  // namespace gateway::test
