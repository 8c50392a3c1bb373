#pragma once

#include <cstdint>
#include <string>

namespace gateway::mwl {

// One row of performed_procedure_steps: an MPPS instance a modality created (N-CREATE),
// as updated by its N-SETs.
struct PerformedStep {
  std::string sop_instance_uid;
  std::string status;            // IN PROGRESS, COMPLETED or DISCONTINUED
  std::string accession_number;  // from the Scheduled Step Attributes Sequence
  std::string scheduled_step_id;
  std::string study_instance_uid;
  std::string patient_id;
  std::string performed_station_aet;
  std::string performed_step_id;
  std::string start_date;
  std::string start_time;
  std::string end_date;
  std::string end_time;
  std::string discontinuation_reason;  // code^meaning, when discontinued
  std::string calling_aet;
  std::string linked_accession;  // the worklist item it was linked to; "" when unlinked
  std::string link_rule;         // accession, patient+date or none
  std::string attributes;        // the whole step as a DICOM dataset (explicit VR LE)
  std::string created_at;        // set by the database
  std::string updated_at;        // set by the database
};

// One row of worklist_status_history: a status change of a worklist item and its cause.
struct StatusChange {
  std::int64_t id = 0;
  std::string accession_number;
  std::string from_status;
  std::string to_status;
  std::string cause;  // "MPPS N-CREATE 1.2.3 from MAMMO1", "image stored 1.2.4"
  std::string changed_at;
};

// What clearing the worklist tables removed.
struct ClearedRows {
  std::int64_t items = 0;
  std::int64_t steps = 0;
  std::int64_t history = 0;
};

}  // namespace gateway::mwl
