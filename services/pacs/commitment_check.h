#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "services/pacs/commitment_store.h"
#include "services/pacs/file_store.h"
#include "services/pacs/instance_index.h"

namespace gateway::pacs {

// Failure Reason (0008,1197) values of a Storage Commitment report (PS3.3 C.14.1.1).
inline constexpr std::uint16_t kCommitProcessingFailure = 0x0110;
inline constexpr std::uint16_t kCommitNoSuchObjectInstance = 0x0112;
inline constexpr std::uint16_t kCommitClassInstanceConflict = 0x0119;

struct CommitmentFailure {
  CommitmentItem item;
  std::uint16_t reason;
  std::string detail;  // for the log
};

struct CommitmentOutcome {
  std::vector<CommitmentItem> committed;
  std::vector<CommitmentFailure> failed;
  int eventType() const { return failed.empty() ? 1 : 2; }
};

// Decides, truthfully, which instances the gateway keeps safely: one counts as committed
// only when its index row says STORED, its file exists, its SHA-256 (re-hashed now, not
// assumed) matches the index, and its SOP Class matches the request. Otherwise: 0x0112 (no
// such object: no row, not STORED, or the file is gone — the row is marked MISSING), 0x0119
// (class/instance conflict), 0x0110 (processing failure: the file differs from what was
// stored — the row is marked CORRUPT).
CommitmentOutcome verifyCommitment(const std::vector<CommitmentItem>& items, InstanceIndex& index,
                                   FileStore& store);

// The N-EVENT-REPORT information (PS3.4 J.3.3): Transaction UID, Retrieve AE Title,
// Referenced SOP Sequence for what is committed, Failed SOP Sequence with the reasons.
std::unique_ptr<DcmDataset> commitmentReport(const std::string& transaction_uid,
                                             const CommitmentOutcome& outcome,
                                             const std::string& retrieve_aet);

}  // namespace gateway::pacs
