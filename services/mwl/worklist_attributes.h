#pragma once

#include <dcmtk/dcmdata/dctagkey.h>

#include <optional>
#include <string>
#include <vector>

#include "common/matching/attribute_matcher.h"
#include "services/mwl/worklist_item.h"

namespace gateway::mwl {

// Where a worklist attribute lives in the identifier.
enum class Level {
  kTop,            // the dataset itself
  kStep,           // Scheduled Procedure Step Sequence (0040,0100) item
  kProcedureCode,  // Requested Procedure Code Sequence (0032,1064) item
  kProtocolCode,   // Scheduled Protocol Code Sequence (0040,0008) item, inside the step
};

enum class Matching { kText, kPersonName, kUidList, kDate, kTime, kStatus, kReturnOnly };

// One attribute the worklist stores: its tag, where it sits, the item field that holds it
// and how it is matched. The query parser and the response builder both walk this table.
struct WorklistAttribute {
  DcmTagKey tag;
  Level level;
  std::string WorklistItem::*member;
  Matching matching;
};

// The shared matcher's rule for a key it matches; none for status and return-only keys.
std::optional<match::Rule> matchingRule(Matching matching);

const std::vector<WorklistAttribute>& worklistAttributes();
const WorklistAttribute* findAttribute(Level level, const DcmTagKey& tag);

// The Scheduled Procedure Step Status term for a stored status: IN PROGRESS is STARTED in
// DICOM's defined terms; the others are the same word.
std::string stepStatusTerm(const std::string& stored_status);

}  // namespace gateway::mwl
