#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>

namespace gateway::db {

// Prepared statements of one connection, by SQL text, reused: preparing (parsing, name
// resolution, code generation) cost more than the insert itself for every stored object
// (ADR 0020). Not thread-safe: guarded by whoever guards the connection. Bounded, because
// IN lists of varying length make distinct texts.
class StatementCache {
 public:
  explicit StatementCache(SQLite::Database& database, std::size_t capacity = 64)
      : database_(database), capacity_(capacity) {}

  // The statement for `sql`, reset and with no bindings, valid until the next call.
  SQLite::Statement& get(const std::string& sql);
  std::size_t size() const { return statements_.size(); }

 private:
  SQLite::Database& database_;
  std::size_t capacity_;
  std::map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace gateway::db
