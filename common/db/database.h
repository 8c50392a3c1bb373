#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace gateway::db {

// One step of a schema: applied in a transaction when PRAGMA user_version < version.
struct Migration {
  int version;
  const char* name;
  const char* sql;
};

enum class Durability {
  kFull,    // synchronous=FULL: a commit survives power loss
  kNormal,  // synchronous=NORMAL: survives a process crash; power loss may drop commits
};

struct OpenOptions {
  Durability durability = Durability::kFull;
  std::chrono::milliseconds busy_timeout{10000};
  bool read_only = false;
};

// Opens (creating if needed) a SQLite database in WAL mode with a busy timeout, and brings
// its schema up to date. Throws std::runtime_error naming the file on any failure, and
// refuses a database whose schema is newer than this binary knows.
std::unique_ptr<SQLite::Database> openDatabase(const std::filesystem::path& path,
                                               const std::vector<Migration>& migrations,
                                               const OpenOptions& options = {});

int schemaVersion(SQLite::Database& database);

// Starts BEGIN IMMEDIATE: writers take the write lock up front, so two writers never both
// read, then fail to upgrade (SQLITE_BUSY without waiting) as with a deferred BEGIN.
SQLite::Transaction beginImmediate(SQLite::Database& database);

// A real write, in its own IMMEDIATE transaction, to the database's `health_probe` table (one
// row: when, by whom; each schema that wants it creates the table). `healthcheck --json`
// proves a database writable this way; throws SQLite::Exception when it is not.
void writeHealthProbe(SQLite::Database& database, const std::string& writer);

}  // namespace gateway::db
