#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "services/pacs/file_store.h"
#include "services/pacs/instance_index.h"

namespace gateway::pacs {

struct VerifyProblem {
  std::string kind;  // missing, corrupt, size_mismatch, unreadable, orphan
  std::string storage_path;
  std::string sop_instance_uid;  // empty for orphans
  std::string detail;
};

struct VerifyReport {
  std::int64_t rows_checked = 0;
  std::int64_t files_ok = 0;
  std::uint64_t bytes_hashed = 0;
  std::vector<VerifyProblem> problems;
  // Kept but noteworthy (receive validation's flags: no_patient_id, no_accession_number).
  struct Flagged {
    std::string sop_instance_uid;
    std::string flags;
  };
  std::vector<Flagged> flagged;
  std::size_t quarantined = 0;  // second copies kept in .quarantine
  std::int64_t purged = 0;      // rows retention purged (no file expected)
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

// Re-hashes every indexed file and compares with its row, checks that it is still a
// parseable DICOM object (structure pre-scan: "unreadable" when truncated or malformed);
// lists files with no row, flagged instances and the quarantine's size.
// Read-only: changes nothing. `progress`, when given, is called after each indexed file.
VerifyReport verifyStorage(FileStore& store, InstanceIndex& index,
                           const VerifyProgressCallback& progress = {});

std::string toJson(const VerifyReport& report);
std::string toText(const VerifyReport& report);

}  // namespace gateway::pacs
