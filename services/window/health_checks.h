#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/config/gateway_config.h"
#include "services/window/service_metrics.h"

namespace gateway::window {

// One check of a health report: what, whether it passed, in which phase it failed, and
// what it measured or why it failed ("12ms"; "pacs C-ECHO to SCREENING_PACS@...: refused").
struct HealthCheck {
  std::string name;  // "pacs-echo", "mwl-find", "pacs-db-write", "disk", ...
  bool ok = false;
  std::string phase;  // "C-ECHO", "C-FIND", "database write", "disk", "HTTP"
  std::string detail;
};

struct DiskSpace {
  bool known = false;
  std::uint64_t total_bytes = 0;
  std::uint64_t free_bytes = 0;  // available to the gateway's user
  double free_percent = 0;
};
// The file system holding `path` (statvfs).
DiskSpace diskSpace(const std::filesystem::path& path);

// The report of `healthcheck --json` and GET /api/health (ADR 0018).
struct HealthReport {
  std::string version;
  std::int64_t uptime_s = 0;
  std::time_t started = 0;  // 0: unknown (the process could not be asked)
  std::vector<HealthCheck> checks;
  DiskSpace disk;
  std::vector<AssociationEvent> last_associations;  // per service of the running process
  bool ok() const;
};

// Health is proven by traffic: a C-ECHO to each service and a worklist C-FIND for today's
// items (the canary; the answer may be empty, its status must be success), each within
// `timeout`. The C-FIND is tried only when the worklist answered its C-ECHO.
struct TrafficOptions {
  std::string host = "127.0.0.1";
  std::string calling_aet = "HEALTHCHECK";
  std::chrono::seconds timeout{5};
};
std::vector<HealthCheck> trafficChecks(const config::GatewayConfig& config,
                                       const TrafficOptions& options);

// A real write (`write` throws on failure), timed.
HealthCheck writeCheck(const std::string& name, const std::function<void()>& write);

// Passes while at least 1% and 100 MiB are free: below that the next tomosynthesis object
// will not fit.
HealthCheck diskCheck(const DiskSpace& disk);

}  // namespace gateway::window
