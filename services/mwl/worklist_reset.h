#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "services/mwl/worklist_store.h"

namespace gateway::mwl {

struct ResetOptions {
  std::filesystem::path backup_dir;
  int keep_backups = 7;     // backups kept after this one is written; older ones are deleted
  BackupProgress progress = {};  // called as the backup's pages are copied; may be empty
};

struct ResetReport {
  std::filesystem::path backup_file;
  std::int64_t items_removed = 0;
  std::int64_t steps_removed = 0;  // performed procedure steps (MPPS)
  std::vector<std::filesystem::path> pruned;
};

// The daily reset: an online backup of the worklist database, then the day's items, MPPS
// steps and status history cleared, all in one session of the store, so nothing added in
// between is lost without being in the backup. Works while `serve` runs (another connection, WAL,
// busy timeout). The backup is written to a temporary name, fsynced, then renamed:
// worklist-YYYYMMDD-HHMMSS.db. Throws std::runtime_error; on failure nothing is cleared.
ResetReport resetWorklist(WorklistStore& store, const ResetOptions& options);

// worklist-*.db files in `dir`, oldest first.
std::vector<std::filesystem::path> listBackups(const std::filesystem::path& dir);

}  // namespace gateway::mwl
