#include "services/mwl/worklist_transaction.h"

#include <stdexcept>

#include "common/db/database.h"
#include "services/mwl/worklist_sql.h"

namespace gateway::mwl {

WorklistTransaction::WorklistTransaction(SQLite::Database& db, std::unique_lock<std::mutex> lock)
    : lock_(std::move(lock)), db_(db), transaction_(db::beginImmediate(db)) {}

WorklistTransaction::~WorklistTransaction() = default;

SQLite::Database& WorklistTransaction::connection() {
  if (committed_) throw std::logic_error("worklist transaction used after commit");
  return db_;
}

std::optional<WorklistItem> WorklistTransaction::find(const std::string& accession) {
  return worklist_sql::selectItem(connection(), accession);
}

std::optional<std::string> WorklistTransaction::itemStatus(const std::string& accession) {
  return worklist_sql::selectItemStatus(connection(), accession);
}

std::vector<WorklistItem> WorklistTransaction::candidates(const CandidateFilter& filter) {
  return worklist_sql::selectCandidates(connection(), filter);
}

void WorklistTransaction::insertItem(const WorklistItem& item, bool replace) {
  worklist_sql::insertItem(connection(), item, replace);
}

bool WorklistTransaction::removeItem(const std::string& accession) {
  return worklist_sql::deleteItem(connection(), accession);
}

void WorklistTransaction::linkMpps(const std::string& accession,
                                   const std::string& mpps_instance_uid) {
  worklist_sql::updateItemMpps(connection(), accession, mpps_instance_uid);
}

void WorklistTransaction::recordStatusChange(const std::string& accession,
                                             const std::string& from_status,
                                             const std::string& to_status,
                                             const std::string& cause) {
  worklist_sql::updateItemStatus(connection(), accession, to_status);
  worklist_sql::insertStatusChange(connection(), accession, from_status, to_status, cause);
}

std::optional<PerformedStep> WorklistTransaction::findStep(const std::string& sop_instance_uid) {
  return worklist_sql::selectStep(connection(), sop_instance_uid);
}

void WorklistTransaction::insertStep(const PerformedStep& step) {
  worklist_sql::insertStep(connection(), step);
}

void WorklistTransaction::updateStep(const PerformedStep& step) {
  worklist_sql::updateStep(connection(), step);
}

ClearedRows WorklistTransaction::clearAll() { return worklist_sql::deleteAll(connection()); }

void WorklistTransaction::commit() {
  connection();  // not twice
  transaction_.commit();
  committed_ = true;
  if (lock_.owns_lock()) lock_.unlock();
}

}  // namespace gateway::mwl
