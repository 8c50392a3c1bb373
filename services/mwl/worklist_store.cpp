#include "services/mwl/worklist_store.h"

#include "services/mwl/worklist_sql.h"

namespace gateway::mwl {

WorklistStore::WorklistStore(const std::filesystem::path& db_path)
    : db_(db::openDatabase(db_path, mwlMigrations())) {}

WorklistStore::~WorklistStore() = default;

WorklistTransaction WorklistStore::beginWrite() {
  return WorklistTransaction(*db_, std::unique_lock(mutex_));
}

WorklistResetSession WorklistStore::beginResetSession() {
  return WorklistResetSession(*db_, std::unique_lock(mutex_));
}

std::optional<WorklistItem> WorklistStore::find(const std::string& accession_number) {
  std::lock_guard lock(mutex_);
  return worklist_sql::selectItem(*db_, accession_number);
}

std::optional<std::string> WorklistStore::itemStatus(const std::string& accession_number) {
  std::lock_guard lock(mutex_);
  return worklist_sql::selectItemStatus(*db_, accession_number);
}

std::vector<WorklistItem> WorklistStore::list(const ListFilter& filter) {
  CandidateFilter c;
  c.date_from = filter.date_from;
  c.date_to = filter.date_to;
  c.statuses = filter.statuses;
  return candidates(c);
}

std::vector<WorklistItem> WorklistStore::candidates(const CandidateFilter& filter) {
  std::lock_guard lock(mutex_);
  return worklist_sql::selectCandidates(statements_, filter);
}

std::int64_t WorklistStore::count() {
  std::lock_guard lock(mutex_);
  return worklist_sql::countItems(*db_);
}

std::optional<PerformedStep> WorklistStore::findStep(const std::string& sop_instance_uid) {
  std::lock_guard lock(mutex_);
  return worklist_sql::selectStep(*db_, sop_instance_uid);
}

std::vector<StatusChange> WorklistStore::statusHistory(const std::string& accession_number) {
  std::lock_guard lock(mutex_);
  return worklist_sql::selectStatusHistory(*db_, accession_number);
}

bool WorklistStore::remove(const std::string& accession_number) {
  std::lock_guard lock(mutex_);
  return worklist_sql::deleteItem(*db_, accession_number);
}

void WorklistStore::proveWritable(const std::string& writer) {
  std::lock_guard lock(mutex_);
  db::writeHealthProbe(*db_, writer);
}

}  // namespace gateway::mwl
