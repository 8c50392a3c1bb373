#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <memory>
#include <string>

namespace gateway::emulator {

// One worklist answer as a modality sees it: the attributes the emulator copies into its
// images and MPPS messages. Text is UTF-8.
struct ScheduledStep {
  std::string patient_name;
  std::string patient_id;
  std::string patient_birth_date;
  std::string patient_sex;
  std::string accession_number;
  std::string study_instance_uid;
  std::string requested_procedure_id;
  std::string requested_procedure_description;
  std::string referring_physician;
  // From the (first) Scheduled Procedure Step Sequence item.
  std::string modality;
  std::string station_aet;
  std::string start_date;
  std::string start_time;
  std::string step_id;
  std::string step_description;
  std::string step_status;
};

// A Modality Worklist C-FIND identifier for the MG steps scheduled on `date` (YYYYMMDD),
// only for `station_aet` when not empty, asking for every ScheduledStep attribute.
std::unique_ptr<DcmDataset> buildWorklistQuery(const std::string& date,
                                               const std::string& station_aet);

// Reads a worklist answer (converted to UTF-8 first when it declares another character
// set). Missing attributes stay empty.
ScheduledStep scheduledStepFromResponse(DcmDataset& response);

// True when any of the step's text values is not plain ASCII (the objects built from it
// then need Specific Character Set ISO_IR 192).
bool hasNonAscii(const ScheduledStep& step);

}  // namespace gateway::emulator
