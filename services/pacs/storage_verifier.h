#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "services/pacs/file_store.h"
#include "services/pacs/instance_index.h"

namespace gateway::pacs {

struct VerifyProblem {
  std::string kind;  // missing, corrupt, size_mismatch, orphan
  std::string storage_path;
  std::string sop_instance_uid;  // empty for orphans
  std::string detail;
};

struct VerifyReport {
  std::int64_t rows_checked = 0;
  std::int64_t files_ok = 0;
  std::uint64_t bytes_hashed = 0;
  std::vector<VerifyProblem> problems;
  bool ok() const { return problems.empty(); }
};

// How far a verification is: indexed files checked, and their indexed sizes, of the totals.
struct VerifyProgress {
  std::uint64_t files_done = 0;
  std::uint64_t files_total = 0;
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
};
using VerifyProgressCallback = std::function<void(const VerifyProgress&)>;

// Re-hashes every indexed file and compares with its row; lists files with no row.
// Read-only: changes nothing. `progress`, when given, is called after each indexed file.
VerifyReport verifyStorage(FileStore& store, InstanceIndex& index,
                           const VerifyProgressCallback& progress = {});

std::string toJson(const VerifyReport& report);
std::string toText(const VerifyReport& report);

}  // namespace gateway::pacs
