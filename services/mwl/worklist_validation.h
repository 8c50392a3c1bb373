#pragma once

#include <string>
#include <vector>

#include "common/dicom_values/value_checks.h"
#include "services/mwl/worklist_item.h"

namespace gateway::mwl {

struct FieldError {
  std::string field;
  std::string message;
};

// Checks every field against its DICOM value representation (dates YYYYMMDD, times
// HHMMSS with optional fraction, sex M/F/O, lengths per VR, AE titles up to 16 characters,
// UIDs, person names; text must be UTF-8) and fills what may be generated: Study Instance
// UID (a new 2.25 UID), Requested Procedure ID and Scheduled Procedure Step ID (the
// accession number), the step description (the study description). Trims surrounding
// spaces. Returns every problem.
std::vector<FieldError> validateAndComplete(WorklistItem& item);

// The DA and TM checks live with the other single-value checks (common/dicom_values); the
// worklist's callers keep their names.
using dicom_values::isValidDate;
using dicom_values::isValidTime;

}  // namespace gateway::mwl
