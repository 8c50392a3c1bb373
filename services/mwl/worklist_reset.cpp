#include "services/mwl/worklist_reset.h"


#include <algorithm>
#include <chrono>
#include <ctime>
#include <stdexcept>

#include "common/durable/durable_file.h"

namespace gateway::mwl {
namespace {

namespace fs = std::filesystem;

std::string timestampName() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[40];
  std::strftime(text, sizeof(text), "worklist-%Y%m%d-%H%M%S", &local);
  return text;
}

}  // namespace

std::vector<fs::path> listBackups(const fs::path& dir) {
  std::vector<fs::path> backups;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.rfind("worklist-", 0) == 0 && name.ends_with(".db")) {
      backups.push_back(entry.path());
    }
  }
  std::sort(backups.begin(), backups.end());  // the timestamp in the name sorts by age
  return backups;
}

ResetReport resetWorklist(WorklistStore& store, const ResetOptions& options) {
  if (options.backup_dir.empty()) throw std::runtime_error("no backup folder given");
  if (options.keep_backups < 1) throw std::runtime_error("keep at least one backup");
  fs::create_directories(options.backup_dir);

  ResetReport report;
  std::string name = timestampName();
  for (int n = 1; fs::exists(options.backup_dir / (name + ".db")) && n < 100; ++n) {
    name = timestampName() + "-" + std::to_string(n);  // two resets within one second
  }
  report.backup_file = options.backup_dir / (name + ".db");
  const fs::path partial = options.backup_dir / (name + ".db.part");

  // No other thread of this process uses the store until the session ends. SQLite cannot
  // back up from a connection inside a write transaction, so: back up, then take the write
  // lock and check (PRAGMA data_version) that no other connection committed in between; if
  // one did, the backup may miss its change: do it again.
  auto session = store.beginResetSession();
  for (int attempt = 1;; ++attempt) {
    const std::int64_t version_before = session.dataVersion();
    try {
      session.backupTo(partial, options.progress);
      durable::syncFile(partial);
    } catch (...) {
      std::error_code ec;
      fs::remove(partial, ec);
      throw;
    }
    auto transaction = session.beginWrite();
    if (session.dataVersion() != version_before && attempt < 5) {
      continue;  // the transaction rolls back on destruction; the .part is overwritten
    }
    fs::rename(partial, report.backup_file);
    durable::syncDirectory(options.backup_dir);
    const ClearedRows cleared = transaction.clearAll();
    report.items_removed = cleared.items;
    report.steps_removed = cleared.steps;
    transaction.commit();
    break;
  }

  const auto backups = listBackups(options.backup_dir);
  const auto keep = static_cast<std::size_t>(options.keep_backups);
  if (backups.size() > keep) {
    for (std::size_t i = 0; i < backups.size() - keep; ++i) {
      std::error_code ec;
      if (fs::remove(backups[i], ec)) report.pruned.push_back(backups[i]);
    }
  }
  return report;
}

}  // namespace gateway::mwl
