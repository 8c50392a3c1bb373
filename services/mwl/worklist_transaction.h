#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services/mwl/worklist_item.h"
#include "services/mwl/worklist_records.h"

namespace gateway::mwl {

struct CandidateFilter;

// One write unit of work on the worklist database: BEGIN IMMEDIATE under the store's lock,
// named operations, then commit(). Destroyed without commit() (a return, a throw), it rolls
// back, so a decision that fails half-way leaves nothing behind. Obtained from
// WorklistStore::beginWrite() (or the reset's session); used by one thread, briefly: every
// other user of the store waits for it.
//
// The operations are storage only; the rules live with their owners: the item's life cycle
// in WorklistLifecycle, MPPS in MppsProcessor, the feed's replace rule in WorklistFeed.
class WorklistTransaction {
 public:
  WorklistTransaction(const WorklistTransaction&) = delete;
  WorklistTransaction& operator=(const WorklistTransaction&) = delete;
  ~WorklistTransaction();

  // Worklist items.
  std::optional<WorklistItem> find(const std::string& accession);
  std::optional<std::string> itemStatus(const std::string& accession);
  std::vector<WorklistItem> candidates(const CandidateFilter& filter);
  // The item must have passed validateAndComplete. Throws DuplicateAccessionError when the
  // accession number is stored already, unless `replace`: then every field is overwritten
  // except created_at and the MPPS link.
  void insertItem(const WorklistItem& item, bool replace);
  bool removeItem(const std::string& accession);
  // Records the MPPS instance performing the item.
  void linkMpps(const std::string& accession, const std::string& mpps_instance_uid);
  // Sets the item's status and appends the change to its history, together.
  void recordStatusChange(const std::string& accession, const std::string& from_status,
                          const std::string& to_status, const std::string& cause);

  // Performed procedure steps (MPPS).
  std::optional<PerformedStep> findStep(const std::string& sop_instance_uid);
  void insertStep(const PerformedStep& step);
  // Writes status, end date/time, discontinuation reason and attributes.
  void updateStep(const PerformedStep& step);

  // Deletes every item, step and history row (the daily reset).
  ClearedRows clearAll();

  // Ends the unit of work: commits and releases the store's lock. No operation after it.
  void commit();

 private:
  friend class WorklistStore;
  friend class WorklistResetSession;
  // `lock` owns the store's mutex, or is empty when the caller already holds it.
  WorklistTransaction(SQLite::Database& db, std::unique_lock<std::mutex> lock);
  // The connection, while the unit of work is open; throws std::logic_error after commit().
  SQLite::Database& connection();

  std::unique_lock<std::mutex> lock_;  // first: taken before BEGIN, released after ROLLBACK
  SQLite::Database& db_;
  SQLite::Transaction transaction_;
  bool committed_ = false;
};

}  // namespace gateway::mwl
