#pragma once

#include <string>
#include <vector>

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

// Individual VR checks, exposed for the query parser and tests.
bool isValidDate(const std::string& value);  // YYYYMMDD, a real calendar date
bool isValidTime(const std::string& value);  // HH[MM[SS[.F{1,6}]]]

}  // namespace gateway::mwl
