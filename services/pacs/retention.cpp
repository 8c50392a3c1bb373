#include "services/pacs/retention.h"

#include <sys/statvfs.h>

#include <ctime>
#include <set>
#include <system_error>

#include "common/json/json_writer.h"
#include "common/logging/logging.h"

namespace gateway::pacs {
namespace {

constexpr int kPlanChunk = 500;      // rows read at a time
constexpr int kMaxPlanned = 100000;  // a plan is bounded; the next pass takes the rest

// created_at's format: UTC "YYYY-MM-DD HH:MM:SS".
std::string utcText(std::chrono::system_clock::time_point at) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

PurgeCandidate candidateOf(const StoredInstance& row, const char* reason) {
  return {row.metadata.sop_instance_uid, row.storage_path, row.created_at, row.file_size, reason};
}

std::int64_t shortfallOf(const DiskSpace& disk, int min_free_percent) {
  const auto wanted =
      static_cast<std::int64_t>(disk.capacity / 100 * static_cast<std::uint64_t>(min_free_percent));
  return std::max<std::int64_t>(0, wanted - static_cast<std::int64_t>(disk.available));
}

}  // namespace

DiskProbe statvfsProbe() {
  return [](const std::filesystem::path& path) -> std::optional<DiskSpace> {
    struct statvfs vfs {};
    if (::statvfs(path.c_str(), &vfs) != 0) return std::nullopt;
    return DiskSpace{static_cast<std::uint64_t>(vfs.f_blocks) * vfs.f_frsize,
                     static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize};
  };
}

RetentionPlan planRetention(InstanceIndex& index, const FileStore& store,
                            const RetentionPolicy& policy, const DiskProbe& probe,
                            std::chrono::system_clock::time_point now) {
  RetentionPlan plan;
  std::set<std::string> planned;
  if (policy.retention_days > 0) {
    const std::string cutoff = utcText(now - std::chrono::hours(24) * policy.retention_days);
    for (const auto& row : index.forwardedBefore(cutoff, kMaxPlanned)) {
      plan.purge.push_back(candidateOf(row, "age"));
      plan.purge_bytes += row.file_size;
      planned.insert(row.metadata.sop_instance_uid);
    }
    plan.old_unforwarded_kept = index.unforwardedBefore(cutoff);
  }
  if (policy.min_free_percent > 0) {
    plan.disk = probe(store.root());
    if (plan.disk) {
      plan.free_shortfall_bytes = shortfallOf(*plan.disk, policy.min_free_percent);
      std::int64_t freed = plan.purge_bytes;
      const std::string any_time = "9999-12-31 23:59:59";
      // Oldest forwarded first, beyond what the age rule took, until the shortfall is met.
      int offset_rows = 0;
      while (freed < plan.free_shortfall_bytes && offset_rows < kMaxPlanned) {
        const auto rows = index.forwardedBefore(any_time, offset_rows + kPlanChunk);
        if (static_cast<int>(rows.size()) <= offset_rows) break;
        for (std::size_t i = static_cast<std::size_t>(offset_rows);
             i < rows.size() && freed < plan.free_shortfall_bytes; ++i) {
          if (!planned.insert(rows[i].metadata.sop_instance_uid).second) continue;
          plan.purge.push_back(candidateOf(rows[i], "free_space"));
          plan.purge_bytes += rows[i].file_size;
          freed += rows[i].file_size;
        }
        offset_rows += kPlanChunk;
      }
      plan.free_space_low = freed < plan.free_shortfall_bytes;
    }
  }
  return plan;
}

RetentionReport applyRetention(InstanceIndex& index, FileStore& store, const RetentionPlan& plan,
                               const PathLock& lock_path) {
  RetentionReport report;
  for (const auto& c : plan.purge) {
    try {
      std::unique_lock<std::mutex> lock;
      if (lock_path) lock = lock_path(c.storage_path);
      if (!index.markPurged(c.sop_instance_uid)) {
        ++report.skipped;
        continue;
      }
      store.remove(c.storage_path);
    } catch (const std::exception& e) {
      ++report.skipped;
      logging::pacs()->error("retention: cannot purge sop_instance={} error=\"{}\"",
                             c.sop_instance_uid, e.what());
      continue;
    }
    ++report.purged;
    report.purged_bytes += c.file_size;
    logging::pacs()->info("purged sop_instance={} path={} bytes={} stored_at={} reason={}",
                          c.sop_instance_uid, c.storage_path, c.file_size, c.created_at, c.reason);
  }
  return report;
}

RetentionReport runRetention(InstanceIndex& index, FileStore& store, const RetentionPolicy& policy,
                             const DiskProbe& probe, const PathLock& lock_path) {
  if (!policy.enabled()) return {};
  const RetentionPlan plan =
      planRetention(index, store, policy, probe, std::chrono::system_clock::now());
  const RetentionReport report = applyRetention(index, store, plan, lock_path);
  if (report.purged > 0 || plan.old_unforwarded_kept > 0) {
    logging::pacs()->info("retention pass purged={} bytes={} skipped={} old_unforwarded_kept={}",
                          report.purged, report.purged_bytes, report.skipped,
                          plan.old_unforwarded_kept);
  }
  if (policy.min_free_percent > 0) {
    if (const auto disk = probe(store.root())) {
      const std::int64_t short_by = shortfallOf(*disk, policy.min_free_percent);
      if (short_by > 0) {
        logging::pacs()->error(
            "storage below its free-space mark: {} bytes free of {}, {}% wanted, {} bytes short; "
            "{}: the unforwarded images are kept (forward status shows what waits), and a full "
            "disk is answered 0xA700",
            disk->available, disk->capacity, policy.min_free_percent, short_by,
            plan.free_space_low ? "nothing forwarded is left to purge"
                                : "the purged files' space is not free yet");
      }
    }
  }
  return report;
}

std::string toJson(const RetentionPlan& plan, const RetentionPolicy& policy) {
  json::Json purge = json::Json::array();
  for (const auto& c : plan.purge) {
    purge.push_back({{"sop_instance_uid", c.sop_instance_uid},
                     {"storage_path", c.storage_path},
                     {"stored_at", c.created_at},
                     {"bytes", c.file_size},
                     {"reason", c.reason}});
  }
  json::Json out = {{"retention_days", policy.retention_days},
                    {"min_free_percent", policy.min_free_percent},
                    {"purge_count", plan.purge.size()},
                    {"purge_bytes", plan.purge_bytes},
                    {"old_unforwarded_kept", plan.old_unforwarded_kept}};
  if (plan.disk) {
    out["disk"] = {{"capacity_bytes", plan.disk->capacity},
                   {"available_bytes", plan.disk->available},
                   {"shortfall_bytes", plan.free_shortfall_bytes},
                   {"still_low", plan.free_space_low}};
  }
  out["purge"] = std::move(purge);
  return json::toJsonLine(out) + "\n";
}

std::string toText(const RetentionPlan& plan, const RetentionPolicy& policy) {
  std::string out;
  if (!policy.enabled()) {
    return "retention is off (PACS_RETENTION_DAYS and PACS_MIN_FREE_PERCENT are 0): nothing is "
           "ever purged\n";
  }
  for (const auto& c : plan.purge) {
    out += c.reason + "\t" + c.created_at + "\t" + std::to_string(c.file_size) + "\t" +
           c.storage_path + "\t" + c.sop_instance_uid + "\n";
  }
  out += std::to_string(plan.purge.size()) + " instance(s), " + std::to_string(plan.purge_bytes) +
         " bytes, would be purged";
  if (policy.retention_days > 0) {
    out += "; " + std::to_string(plan.old_unforwarded_kept) + " older than " +
           std::to_string(policy.retention_days) +
           " days kept because not every destination has "
           "them";
  }
  out += "\n";
  if (plan.disk) {
    out += "disk: " + std::to_string(plan.disk->available >> 20) + " MiB free of " +
           std::to_string(plan.disk->capacity >> 20) + " MiB (" +
           std::to_string(policy.min_free_percent) + "% wanted)";
    if (plan.free_space_low) out += ": still short after this purge (unforwarded images are kept)";
    out += "\n";
  }
  return out;
}

}  // namespace gateway::pacs
