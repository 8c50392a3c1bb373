#pragma once

#include <dcmtk/dcmdata/dcitem.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/dicom/dimse_reply.h"
#include "services/pacs/instance_index.h"
#include "services/pacs/qr_attributes.h"

namespace gateway::pacs {

// A C-FIND identifier may carry any matching keys; a C-MOVE or C-GET identifier names what
// to send by its unique keys only (PS3.4 C.4.2.2.1, C.4.3.2.1).
enum class QrPurpose { kFind, kRetrieve };

// A Query/Retrieve identifier reduced to what decides a match (PS3.4 C.4.1.2, hierarchical
// search): the level, and the non-universal keys at or above it that the index holds.
struct QrQuery {
  struct Condition {
    const QrAttribute* attribute;
    std::string value;  // UTF-8, trimmed, not universal
  };
  QrModel model = QrModel::kStudyRoot;
  QrLevel level = QrLevel::kStudy;
  QrPurpose purpose = QrPurpose::kFind;
  std::vector<Condition> conditions;            // matched on each instance row
  std::vector<Condition> aggregate_conditions;  // Modalities / SOP Classes in Study
  // Entities whose aggregates the answers need (asked-for aggregate keys and aggregate
  // conditions): PATIENT, STUDY and/or SERIES.
  std::set<QrLevel> aggregate_levels;

  // What SQL can narrow with bound parameters on the index's columns: exact text, dates and
  // date ranges, UIDs and lists of UIDs. A superset of the matches: matches() decides.
  InstanceFilter prefilter() const;
  // True when the row's values satisfy every condition (PS3.4 C.2.2.2, common/matching).
  bool matches(const InstanceMetadata& row) const;
  // True when the study's aggregates satisfy the aggregate conditions.
  bool matchesAggregates(const RelatedCounts& study) const;
  // "model=... level=... PatientID=<masked> StudyDate=..." for the log line.
  std::string summary() const;
};

struct ParsedQrQuery {
  std::optional<QrQuery> query;
  dicom::DimseReply refusal;  // when query is empty: 0xA900 naming the key
};

// Parses an identifier already converted to UTF-8 (match::decodeIdentifier) for `model`.
// Refused with 0xA900 and an Error Comment naming the key (and Offending Element): no or an
// unknown Query/Retrieve Level (0008,0052), PATIENT in Study Root, a unique key of a level
// above the query level missing or without a single value (relational queries are not
// supported), a date, time or UID of invalid syntax; for kRetrieve also the unique key of the
// query level missing, universal or (Patient ID) not a single value. Keys the index does not
// hold, and keys of levels below the query level, never restrict (they are returned
// zero-length); a retrieve identifier is matched on its unique keys only.
ParsedQrQuery parseQrIdentifier(DcmItem& identifier, QrModel model, QrPurpose purpose);

}  // namespace gateway::pacs
