#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/pacs/instance_index.h"
#include "services/pacs/qr_query.h"

namespace gateway::pacs {

// One C-FIND answer: an entity at the query level and what its response is built from.
struct QrAnswer {
  StoredInstance row;  // the first of the entity's STORED rows that matches the query
  std::map<QrLevel, RelatedCounts> related;  // for each of the query's aggregate_levels
};

// The search of one C-FIND over the index, drawn one answer at a time.
//
// Construction finds the matching entities: SQL narrows with the query's prefilter (bound
// parameters on the index's columns), the shared matcher decides on every candidate row,
// and only the unique key of each matching entity (and of its first matching instance) is
// kept, so a query matching thousands of studies holds thousands of UIDs, not rows. Each
// next() then reads that first matching row again by its key (or, if it has changed since,
// the entity's first row that matches now) and, when asked, its aggregates (and drops it if the
// aggregate conditions, e.g. Modalities in Study, do not match). Only STORED rows are ever seen. An
// entity whose unique key is empty (an instance stored without Patient ID, at PATIENT level) cannot
// be named and is not returned.
class QrFindCursor {
 public:
  QrFindCursor(InstanceIndex& index, QrQuery query);

  std::optional<QrAnswer> next();
  std::size_t entities() const { return found_.size(); }  // before aggregate conditions
  std::size_t answered() const { return answered_; }
  const QrQuery& query() const { return query_; }

 private:
  InstanceIndex& index_;
  QrQuery query_;
  struct Found {
    std::string key;        // the entity's unique key
    std::string first_uid;  // the SOP Instance UID of its first matching row
  };
  std::vector<Found> found_;
  std::size_t next_ = 0;
  std::size_t answered_ = 0;
};

// The instances a C-MOVE or C-GET sends for `query` (parsed with QrPurpose::kRetrieve, any
// level, either model): every STORED row matching it, ordered by study (date, time, UID),
// series (Series Number, then UID) and instance (Instance Number, then SOP Instance UID),
// numbers compared as numbers.
std::vector<StoredInstance> instancesToRetrieve(InstanceIndex& index, const QrQuery& query);

}  // namespace gateway::pacs
