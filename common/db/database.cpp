#include "common/db/database.h"

#include <SQLiteCpp/Statement.h>

#include <stdexcept>
#include <string>

#include "common/logging/logging.h"

namespace gateway::db {

int schemaVersion(SQLite::Database& database) {
  return database.execAndGet("PRAGMA user_version").getInt();
}

SQLite::Transaction beginImmediate(SQLite::Database& database) {
  return SQLite::Transaction(database, SQLite::TransactionBehavior::IMMEDIATE);
}

void writeHealthProbe(SQLite::Database& database, const std::string& writer) {
  auto transaction = beginImmediate(database);
  SQLite::Statement s(database,
                      "INSERT INTO health_probe (id, written_at, writer) "
                      "VALUES (1, strftime('%Y-%m-%d %H:%M:%f', 'now'), ?) "
                      "ON CONFLICT(id) DO UPDATE SET written_at = excluded.written_at, "
                      "writer = excluded.writer");
  s.bind(1, writer);
  s.exec();
  transaction.commit();
}

std::unique_ptr<SQLite::Database> openDatabase(const std::filesystem::path& path,
                                               const std::vector<Migration>& migrations,
                                               const OpenOptions& options) {
  try {
    const int flags =
        options.read_only ? SQLite::OPEN_READONLY : (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    auto database = std::make_unique<SQLite::Database>(
        path, flags | SQLite::OPEN_FULLMUTEX, static_cast<int>(options.busy_timeout.count()));
    if (!options.read_only) {
      database->exec("PRAGMA journal_mode=WAL");
      database->exec(options.durability == Durability::kFull ? "PRAGMA synchronous=FULL"
                                                             : "PRAGMA synchronous=NORMAL");
    }
    database->exec("PRAGMA foreign_keys=ON");

    const int current = schemaVersion(*database);
    const int latest = migrations.empty() ? 0 : migrations.back().version;
    if (current > latest) {
      throw std::runtime_error("schema version " + std::to_string(current) +
                               " is newer than this program knows (" + std::to_string(latest) +
                               ")");
    }
    for (const auto& migration : migrations) {
      if (migration.version <= current) continue;
      if (options.read_only) {
        throw std::runtime_error("schema is at version " + std::to_string(current) + ", needs " +
                                 std::to_string(latest) + " (open it read-write once)");
      }
      auto transaction = beginImmediate(*database);
      // Re-check under the write lock: another process may have migrated meanwhile.
      if (schemaVersion(*database) >= migration.version) continue;
      database->exec(migration.sql);
      database->exec("PRAGMA user_version=" + std::to_string(migration.version));
      transaction.commit();
      logging::db()->info("schema migrated db={} to_version={} step={}", path.string(),
                          migration.version, migration.name);
    }
    return database;
  } catch (const SQLite::Exception& e) {
    throw std::runtime_error("database " + path.string() + ": " + e.what());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("database " + path.string() + ": " + e.what());
  }
}

}  // namespace gateway::db
