#include "services/mwl/worklist_validation.h"

#include <algorithm>
#include <cctype>

#include "common/config/value_parsers.h"
#include "common/dicom_values/uid_generator.h"
#include "common/dicom_values/value_checks.h"
#include "common/text/utf8.h"

namespace gateway::mwl {
namespace {

// Characters no DICOM string value may hold: control characters and the value separator.
bool hasForbiddenCharacters(const std::string& value) {
  return std::any_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return c == '\\' || u < 0x20 || u == 0x7f;
  });
}

// Length in characters (UTF-8 code points), as the VR limits count characters.
std::size_t characterCount(const std::string& value) { return text::countCodePoints(value); }

class Checker {
 public:
  explicit Checker(std::vector<FieldError>& errors) : errors_(errors) {}

  void fail(const char* field, std::string message) {
    errors_.push_back({field, std::move(message)});
  }

  // A text value of at most `max` characters (SH 16, LO 64, CS 16, ...).
  void text(const char* field, const std::string& value, std::size_t max, bool required) {
    if (value.empty()) {
      if (required) fail(field, "is required");
      return;
    }
    utf8(field, value);
    if (hasForbiddenCharacters(value)) fail(field, "contains a backslash or control character");
    if (characterCount(value) > max) {
      fail(field, "is longer than " + std::to_string(max) + " characters");
    }
  }

  void personName(const char* field, const std::string& value, bool required) {
    if (value.empty()) {
      if (required) fail(field, "is required");
      return;
    }
    utf8(field, value);
    if (hasForbiddenCharacters(value)) fail(field, "contains a backslash or control character");
    std::size_t start = 0;
    for (int group = 0; start <= value.size(); ++group) {
      const std::size_t end = std::min(value.find('=', start), value.size());
      const std::string part = value.substr(start, end - start);
      if (group >= 3) {
        fail(field, "has more than three component groups");
        break;
      }
      if (std::count(part.begin(), part.end(), '^') > 4) {
        fail(field, "has more than five components (FAMILY^GIVEN^MIDDLE^PREFIX^SUFFIX)");
      }
      if (characterCount(part) > 64) fail(field, "has a component group over 64 characters");
      start = end + 1;
    }
  }

  void date(const char* field, const std::string& value, bool required) {
    if (value.empty()) {
      if (required) fail(field, "is required");
      return;
    }
    if (!isValidDate(value)) fail(field, "'" + value + "' is not a date YYYYMMDD");
  }

  void time(const char* field, const std::string& value, bool required) {
    if (value.empty()) {
      if (required) fail(field, "is required");
      return;
    }
    if (!isValidTime(value)) fail(field, "'" + value + "' is not a time HHMMSS[.ffffff]");
  }

  void codeString(const char* field, const std::string& value, bool required) {
    text(field, value, 16, required);
    const bool ok = std::all_of(value.begin(), value.end(), [](char c) {
      return std::isupper(static_cast<unsigned char>(c)) ||
             std::isdigit(static_cast<unsigned char>(c)) || c == ' ' || c == '_';
    });
    if (!ok) fail(field, "'" + value + "' may hold only A-Z, 0-9, space and _");
  }

 private:
  // The worklist is stored and answered in UTF-8 (ISO_IR 192): bytes that are not UTF-8
  // (a file saved as Latin-1, say) would reach the modality as garbage.
  void utf8(const char* field, const std::string& value) {
    if (!text::isValidUtf8(value)) fail(field, "is not valid UTF-8 text (save the file as UTF-8)");
  }

  std::vector<FieldError>& errors_;
};

void trimAll(WorklistItem& item) {
  for (const auto& f : worklistFields()) {
    std::string& value = item.*(f.member);
    value = config::trim(value);
  }
}

}  // namespace

std::vector<FieldError> validateAndComplete(WorklistItem& item) {
  trimAll(item);
  std::vector<FieldError> errors;
  Checker check(errors);
  check.text("accession_number", item.accession_number, 16, true);
  check.text("patient_id", item.patient_id, 64, true);
  check.personName("patient_name", item.patient_name, true);
  check.date("patient_birth_date", item.patient_birth_date, true);
  if (!item.patient_sex.empty() && item.patient_sex != "M" && item.patient_sex != "F" &&
      item.patient_sex != "O") {
    check.fail("patient_sex", "'" + item.patient_sex + "' is not M, F or O");
  }
  check.personName("referring_physician", item.referring_physician, false);
  check.text("study_description", item.study_description, 64, false);
  check.text("procedure_code", item.procedure_code, 16, false);
  check.text("procedure_code_scheme", item.procedure_code_scheme, 16, false);
  check.text("procedure_code_meaning", item.procedure_code_meaning, 64, false);
  check.date("scheduled_date", item.scheduled_date, true);
  check.time("scheduled_time", item.scheduled_time, true);
  check.codeString("modality", item.modality, true);
  if (!item.scheduled_station_aet.empty()) {
    const auto ae = dicom_values::parseAeTitle(item.scheduled_station_aet);
    if (!ae.value) check.fail("scheduled_station_aet", ae.error);
  }
  check.text("scheduled_station_name", item.scheduled_station_name, 16, false);
  check.text("scheduled_location", item.scheduled_location, 64, false);
  check.personName("performing_physician", item.performing_physician, false);
  check.text("scheduled_step_description", item.scheduled_step_description, 64, false);
  check.text("protocol_code", item.protocol_code, 16, false);
  check.text("protocol_code_scheme", item.protocol_code_scheme, 16, false);
  check.text("protocol_code_meaning", item.protocol_code_meaning, 64, false);
  check.text("source_message_id", item.source_message_id, 256, false);
  if (item.status.empty()) item.status = kScheduled;
  if (item.status != kScheduled && item.status != kInProgress && item.status != kCompleted &&
      item.status != kDiscontinued) {
    check.fail("status",
               "'" + item.status + "' is not SCHEDULED, IN PROGRESS, COMPLETED or DISCONTINUED");
  }
  // Generated values: modalities silently drop items whose Type 1 keys are empty.
  if (item.study_instance_uid.empty()) {
    item.study_instance_uid = dicom_values::generateUid();
  } else if (!dicom_values::isValidUid(item.study_instance_uid)) {
    check.fail("study_instance_uid", "'" + item.study_instance_uid + "' is not a valid UID");
  }
  if (item.requested_procedure_id.empty()) item.requested_procedure_id = item.accession_number;
  check.text("requested_procedure_id", item.requested_procedure_id, 16, false);
  if (item.scheduled_step_id.empty()) item.scheduled_step_id = item.accession_number;
  check.text("scheduled_step_id", item.scheduled_step_id, 16, false);
  if (item.scheduled_step_description.empty()) {
    item.scheduled_step_description = item.study_description;
  }
  return errors;
}

}  // namespace gateway::mwl
