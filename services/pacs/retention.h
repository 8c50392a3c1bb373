#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services/pacs/file_store.h"
#include "services/pacs/instance_index.h"

namespace gateway::pacs {

// The storage disk as statvfs(3) sees it.
struct DiskSpace {
  std::uint64_t capacity = 0;
  std::uint64_t available = 0;  // to an unprivileged writer
};
using DiskProbe = std::function<std::optional<DiskSpace>(const std::filesystem::path&)>;
DiskProbe statvfsProbe();

struct RetentionPolicy {
  int retention_days = 0;    // 0: no age rule
  int min_free_percent = 0;  // 0: no high-water mark
  bool enabled() const { return retention_days > 0 || min_free_percent > 0; }
};

struct PurgeCandidate {
  std::string sop_instance_uid;
  std::string storage_path;
  std::string created_at;
  std::int64_t file_size = 0;
  std::string reason;  // "age" or "free_space"
};

// What the policy would remove now, and why (storage purge --dry-run shows it as it is).
struct RetentionPlan {
  std::vector<PurgeCandidate> purge;
  std::int64_t purge_bytes = 0;
  std::int64_t old_unforwarded_kept = 0;  // older than the age limit but not forwarded: kept
  std::optional<DiskSpace> disk;
  std::int64_t free_shortfall_bytes = 0;  // below the high-water mark by this much
  bool free_space_low = false;            // and even this plan does not make up for it
};

// Never plans an instance that some destination does not yet have (ADR 0019). The age rule
// takes every forwarded instance older than N days; the high-water mark then the oldest other
// forwarded instances until their bytes make up the shortfall. Reads only.
RetentionPlan planRetention(InstanceIndex& index, const FileStore& store,
                            const RetentionPolicy& policy, const DiskProbe& probe,
                            std::chrono::system_clock::time_point now);

struct RetentionReport {
  std::int64_t purged = 0;
  std::int64_t purged_bytes = 0;
  std::int64_t skipped = 0;  // changed since planned (re-queued) or could not be removed
};

// Carries a plan out: each row PURGED first, then its file removed (a crash in between
// leaves a file start-up reconciliation removes). Logs every purge.
// `lock_path`, when given, is held around each purge: the archiver's lock for that path, so
// the same instance arriving again cannot be stored between the mark and the unlink.
using PathLock = std::function<std::unique_lock<std::mutex>(const std::string& relative_path)>;
RetentionReport applyRetention(InstanceIndex& index, FileStore& store, const RetentionPlan& plan,
                               const PathLock& lock_path = {});

// planRetention + applyRetention, and the high-water mark checked again after: when the
// disk is still short of free space with nothing forwarded left to purge, an ERROR (the
// storage service keeps answering 0xA700 when the disk is full, as it always did).
RetentionReport runRetention(InstanceIndex& index, FileStore& store, const RetentionPolicy& policy,
                             const DiskProbe& probe, const PathLock& lock_path = {});

std::string toJson(const RetentionPlan& plan, const RetentionPolicy& policy);
std::string toText(const RetentionPlan& plan, const RetentionPolicy& policy);

}  // namespace gateway::pacs
