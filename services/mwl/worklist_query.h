#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <optional>
#include <string>
#include <vector>

#include "services/mwl/worklist_attributes.h"
#include "services/mwl/worklist_item.h"
#include "services/mwl/worklist_store.h"

namespace gateway::mwl {

// A Modality Worklist C-FIND identifier, reduced to what decides a match.
struct WorklistQuery {
  struct Condition {
    const WorklistAttribute* attribute;
    std::string value;  // UTF-8, not universal
  };
  std::vector<Condition> conditions;
  std::string date_query;           // Scheduled Procedure Step Start Date (matched with the time)
  std::string time_query;           // Scheduled Procedure Step Start Time
  bool status_given = false;        // else only items still to be done (SCHEDULED, IN PROGRESS)
  std::string station_from_caller;  // calling AE standing in for the station, if configured

  // What the database can narrow with its indexes (a superset of the matches).
  CandidateFilter prefilter() const;
  bool matches(const WorklistItem& item) const;
};

struct ParsedQuery {
  std::optional<WorklistQuery> query;
  std::string error;  // why the identifier is not a valid worklist query
};

// `identifier` must already be in UTF-8 (DcmItem::convertToUTF8). When
// `calling_aet_as_station` is set and the query names no station, the caller's AE is used.
ParsedQuery parseWorklistQuery(DcmItem& identifier, const std::string& calling_aet,
                               bool calling_aet_as_station);

}  // namespace gateway::mwl
