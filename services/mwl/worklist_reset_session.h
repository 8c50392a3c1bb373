#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>

#include "services/mwl/worklist_transaction.h"

namespace gateway::mwl {

// Pages copied so far and the database's page count, while a backup runs.
using BackupProgress = std::function<void(std::int64_t pages_done, std::int64_t pages_total)>;

// The store's connection held for the daily reset: no other thread of this process uses it
// from beginResetSession() until the session ends, so the only changes the reset can miss
// are other connections' (other processes), and dataVersion() sees those. The reset's
// sequence (back up, then write-lock, check, clear) is in worklist_reset.cpp.
class WorklistResetSession {
 public:
  WorklistResetSession(const WorklistResetSession&) = delete;
  WorklistResetSession& operator=(const WorklistResetSession&) = delete;

  // PRAGMA data_version: changes whenever another connection commits.
  std::int64_t dataVersion();
  // An online backup of the whole database into `file` (created or overwritten), left as
  // one self-contained file (journal_mode DELETE). Not inside a write transaction: SQLite
  // cannot back up from one. Throws std::runtime_error when the backup does not complete.
  void backupTo(const std::filesystem::path& file, const BackupProgress& progress = {});
  // A write transaction on the held connection (the session's lock covers it).
  WorklistTransaction beginWrite();

 private:
  friend class WorklistStore;
  WorklistResetSession(SQLite::Database& db, std::unique_lock<std::mutex> lock);

  std::unique_lock<std::mutex> lock_;
  SQLite::Database& db_;
};

}  // namespace gateway::mwl
