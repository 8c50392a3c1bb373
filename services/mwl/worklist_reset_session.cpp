#include "services/mwl/worklist_reset_session.h"

#include <SQLiteCpp/Backup.h>
#include <sqlite3.h>

#include <stdexcept>
#include <string>

#include "services/mwl/worklist_sql.h"

namespace gateway::mwl {
namespace {

// Pages per backup step when progress is reported; a page is 4 KiB by default.
constexpr int kPagesPerStep = 256;

}  // namespace

WorklistResetSession::WorklistResetSession(SQLite::Database& db, std::unique_lock<std::mutex> lock)
    : lock_(std::move(lock)), db_(db) {}

std::int64_t WorklistResetSession::dataVersion() { return worklist_sql::dataVersion(db_); }

void WorklistResetSession::backupTo(const std::filesystem::path& file,
                                    const BackupProgress& progress) {
  SQLite::Database backup(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  {
    SQLite::Backup copy(backup, db_);
    int rc = SQLITE_OK;
    if (!progress) {
      rc = copy.executeStep(-1);
    } else {
      while ((rc = copy.executeStep(kPagesPerStep)) == SQLITE_OK) {
        const int total = copy.getTotalPageCount();
        progress(total - copy.getRemainingPageCount(), total);
      }
      if (rc == SQLITE_DONE) progress(copy.getTotalPageCount(), copy.getTotalPageCount());
    }
    if (rc != SQLITE_DONE) {
      throw std::runtime_error("backup did not complete (SQLite code " + std::to_string(rc) + ")");
    }
  }
  // A backup is one self-contained file: no -wal/-shm beside it when it is opened.
  backup.exec("PRAGMA journal_mode=DELETE");
}

WorklistTransaction WorklistResetSession::beginWrite() {
  return WorklistTransaction(db_, std::unique_lock<std::mutex>());
}

}  // namespace gateway::mwl
