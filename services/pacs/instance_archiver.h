#pragma once

#include <dcmtk/dcmdata/dctagkey.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/config/gateway_config.h"
#include "services/pacs/file_store.h"
#include "services/pacs/forward_routing.h"
#include "services/pacs/instance_index.h"
#include "services/pacs/instance_observer.h"
#include "services/pacs/receive_activity.h"

namespace gateway::pacs {

// A dataset received completely into a temporary file (meta header + dataset bytes).
struct ReceivedObject {
  std::unique_ptr<TempFile> file;
  std::string storage_hash;  // SHA-256 of the file's bytes
  std::uint64_t file_size = 0;
  std::string command_sop_class_uid;
  std::string command_sop_instance_uid;
  std::string calling_aet;
};

enum class ArchiveResult {
  kStored,                // new object, file placed and indexed
  kDuplicateKept,         // already held, byte for byte; the first copy stays
  kDuplicateQuarantined,  // already held, but this copy differs: the first stays in the tree,
                          // this one goes to .quarantine (policy keep), nothing is lost
  kReplaced,              // already held; replaced atomically (policy replace)
  kRejected,              // the object is not acceptable (see status and comment)
  kCollision,             // another UID already owns the 16-hex-digit path: never overwritten
  kFailed,                // storage or index error
};

struct ArchiveOutcome {
  ArchiveResult result = ArchiveResult::kFailed;
  std::uint16_t dimse_status = 0;
  std::string comment;               // error comment for the response, when failing
  std::string previous_hash;         // duplicates: the hash of the copy already held
  std::string quarantine_path;       // kDuplicateQuarantined: where this copy went
  std::vector<DcmTagKey> offending;  // kRejected: the attribute at fault, if one
  InstanceMetadata metadata;
};

const char* toString(ArchiveResult result);

// Turns a received temporary file into a stored, indexed instance, or refuses it. Knows
// nothing of the network: the storage SCP calls it after the dataset has arrived.
// Order (see adr/0004): validate, fsync the file, rename into place, fsync the directory,
// index; the caller answers only after this returns. Thread-safe: objects whose paths share
// a lock stripe are archived one at a time, others in parallel.
class InstanceArchiver {
 public:
  InstanceArchiver(FileStore& store, InstanceIndex& index, config::DuplicatePolicy policy,
                   InstanceObserver* observer = nullptr);

  // Store-and-forward (ADR 0019): each stored or replaced instance is queued, with its index
  // row, for the destinations `routing` names; `queued` is called after (wakes the workers).
  void setForwarding(ForwardRouting routing, std::function<void()> queued);

  ArchiveOutcome archive(ReceivedObject& object);
  // The lock objects at `relative_path` are archived under (retention purges under it too).
  std::unique_lock<std::mutex> lockPath(const std::string& relative_path) {
    return std::unique_lock<std::mutex>(stripeFor(relative_path));
  }
  // Held by each reception (storage_scp.cpp) while its bytes arrive.
  ReceiveActivity& receiving() { return receiving_; }

 private:
  ArchiveOutcome place(ReceivedObject& object, const InstanceMetadata& metadata);
  std::mutex& stripeFor(const std::string& relative_path);
  // Runs an observer call; false (and logged) when there is none or it throws.
  template <typename Call>
  bool observed(Call call);

  FileStore& store_;
  InstanceIndex& index_;
  config::DuplicatePolicy policy_;
  InstanceObserver* observer_;
  ForwardRouting routing_;
  std::function<void()> queued_;
  ReceiveActivity receiving_;
  std::array<std::mutex, 64> stripes_;
};

}  // namespace gateway::pacs
