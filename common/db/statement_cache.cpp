#include "common/db/statement_cache.h"

namespace gateway::db {

SQLite::Statement& StatementCache::get(const std::string& sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    if (statements_.size() >= capacity_) statements_.clear();
    found = statements_.emplace(sql, std::make_unique<SQLite::Statement>(database_, sql)).first;
  } else {
    // tryReset: an error of its previous run was already thrown to whoever ran it, and
    // reset() would throw it again here.
    found->second->tryReset();
    found->second->clearBindings();
  }
  return *found->second;
}

}  // namespace gateway::db
