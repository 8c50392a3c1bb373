#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gateway::mwl {

// Statuses of a worklist item's scheduled procedure step.
inline constexpr const char* kScheduled = "SCHEDULED";
inline constexpr const char* kInProgress = "IN PROGRESS";
inline constexpr const char* kCompleted = "COMPLETED";
inline constexpr const char* kDiscontinued = "DISCONTINUED";

// One scheduled procedure step, as stored (UTF-8). Member names are the field names used
// everywhere: database columns, import files, --json output; `worklist add` flags are the
// kebab-case form (--accession-number).
struct WorklistItem {
  std::string accession_number;
  std::string patient_id;
  std::string patient_name;
  std::string patient_birth_date;
  std::string patient_sex;
  std::string referring_physician;
  std::string study_instance_uid;
  std::string study_description;
  std::string requested_procedure_id;
  std::string procedure_code;
  std::string procedure_code_scheme;
  std::string procedure_code_meaning;
  std::string scheduled_step_id;
  std::string scheduled_date;
  std::string scheduled_time;
  std::string modality;
  std::string scheduled_station_aet;
  std::string scheduled_station_name;
  std::string scheduled_location;
  std::string performing_physician;
  std::string scheduled_step_description;
  std::string protocol_code;
  std::string protocol_code_scheme;
  std::string protocol_code_meaning;
  std::string status = kScheduled;
  std::string source_message_id;
  std::string mpps_instance_uid;  // the MPPS that performs this step, once one is linked
  std::string created_at;         // set by the database
  std::string updated_at;         // set by the database
};

// A status as a person or a URL writes it ("in-progress", "In_Progress", "completed") in its
// stored form ("IN PROGRESS"); nullopt when it is none of the four.
std::optional<std::string> parseWorklistStatus(const std::string& text);

// Describes one field: its name and how to reach it, so parsers, validation, SQL and JSON
// all walk the same list instead of repeating 26 names.
struct WorklistField {
  const char* name;
  std::string WorklistItem::*member;
  bool required;  // must be given by the feed (others may be generated or empty)
  bool writable;  // false for created_at/updated_at
};
const std::vector<WorklistField>& worklistFields();
const WorklistField* findWorklistField(const std::string& name);

}  // namespace gateway::mwl
