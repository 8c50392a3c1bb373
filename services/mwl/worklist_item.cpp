#include "services/mwl/worklist_item.h"

#include <algorithm>
#include <cctype>

#include "common/text/trim.h"

namespace gateway::mwl {

std::optional<std::string> parseWorklistStatus(const std::string& text) {
  std::string value = text::trim(text);
  std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) {
    return c == '_' || c == '-' ? ' ' : static_cast<char>(std::toupper(c));
  });
  if (value != kScheduled && value != kInProgress && value != kCompleted &&
      value != kDiscontinued) {
    return std::nullopt;
  }
  return value;
}

const std::vector<WorklistField>& worklistFields() {
  using W = WorklistItem;
  static const std::vector<WorklistField> kFields = {
      {"accession_number", &W::accession_number, true, true},
      {"patient_id", &W::patient_id, true, true},
      {"patient_name", &W::patient_name, true, true},
      {"patient_birth_date", &W::patient_birth_date, true, true},
      {"patient_sex", &W::patient_sex, false, true},
      {"referring_physician", &W::referring_physician, false, true},
      {"study_instance_uid", &W::study_instance_uid, false, true},
      {"study_description", &W::study_description, false, true},
      {"requested_procedure_id", &W::requested_procedure_id, false, true},
      {"procedure_code", &W::procedure_code, false, true},
      {"procedure_code_scheme", &W::procedure_code_scheme, false, true},
      {"procedure_code_meaning", &W::procedure_code_meaning, false, true},
      {"scheduled_step_id", &W::scheduled_step_id, false, true},
      {"scheduled_date", &W::scheduled_date, true, true},
      {"scheduled_time", &W::scheduled_time, true, true},
      {"modality", &W::modality, true, true},
      {"scheduled_station_aet", &W::scheduled_station_aet, false, true},
      {"scheduled_station_name", &W::scheduled_station_name, false, true},
      {"scheduled_location", &W::scheduled_location, false, true},
      {"performing_physician", &W::performing_physician, false, true},
      {"scheduled_step_description", &W::scheduled_step_description, false, true},
      {"protocol_code", &W::protocol_code, false, true},
      {"protocol_code_scheme", &W::protocol_code_scheme, false, true},
      {"protocol_code_meaning", &W::protocol_code_meaning, false, true},
      {"status", &W::status, false, true},
      {"source_message_id", &W::source_message_id, false, true},
      {"mpps_instance_uid", &W::mpps_instance_uid, false, false},
      {"created_at", &W::created_at, false, false},
      {"updated_at", &W::updated_at, false, false},
  };
  return kFields;
}

const WorklistField* findWorklistField(const std::string& name) {
  for (const auto& f : worklistFields()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

}  // namespace gateway::mwl
