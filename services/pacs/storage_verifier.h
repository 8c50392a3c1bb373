#pragma once

#include <cstdint>
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

// Re-hashes every indexed file and compares with its row; lists files with no row.
// Read-only: changes nothing.
VerifyReport verifyStorage(FileStore& store, InstanceIndex& index);

std::string toJson(const VerifyReport& report);
std::string toText(const VerifyReport& report);

}  // namespace gateway::pacs
