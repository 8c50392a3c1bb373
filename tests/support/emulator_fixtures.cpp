#include "tests/support/emulator_fixtures.h"

#include "common/dicom_values/uid_generator.h"

namespace gateway::test {

emulator::ScheduledStep sampleScheduledStep() {
  emulator::ScheduledStep s;
  s.patient_name = "DOE^JANE";
  s.patient_id = "PID-42";
  s.patient_birth_date = "19700315";
  s.patient_sex = "F";
  s.accession_number = "ACC-42";
  s.study_instance_uid = "1.2.826.0.1.3680043.10.99.42";
  s.requested_procedure_id = "RP-42";
  s.requested_procedure_description = "Screening mammography";
  s.referring_physician = "WHO^JOHN";
  s.modality = "MG";
  s.station_aet = "MAMMO1";
  s.step_id = "SPS-42";
  s.step_description = "Bilateral screening";
  s.step_status = "SCHEDULED";
  return s;
}

emulator::Acquisition sampleAcquisition() {
  emulator::Acquisition a;
  a.series_instance_uid = dicom_values::generateUid();
  a.date = "20261128";
  a.time = "093000";
  a.performed_step_id = "E261128093000000";
  a.performed_step_uid = dicom_values::generateUid();
  a.station_aet = "EMULATOR";
  a.series_description = "Screening mammography 4 views";
  return a;
}

}  // namespace gateway::test
