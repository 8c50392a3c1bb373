#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "common/http/http_message.h"
#include "services/mwl/worklist_feed.h"
#include "services/mwl/worklist_lifecycle.h"
#include "services/window/api_access.h"
#include "services/window/health_checks.h"
#include "services/window/service_metrics.h"
#include "services/window/status_report.h"
#include "services/window/thumbnail_cache.h"

namespace gateway::window {

// The routes of the operator's window (ADR 0018, README "The operator's window"):
//   GET  /                            the status page (?date=YYYYMMDD)
//   GET  /api/status                  the page as JSON (?date=)
//   GET  /api/health                  the health report (as healthcheck --json)
//   GET  /api/process                 version, uptime, last associations (for the CLI)
//   GET  /api/worklist                ?date=YYYYMMDD&status=S,S (default today, all)
//   GET  /api/worklist/{accession}    with its images and views
//   POST /api/worklist                create (body: the import JSON format; ?replace=true)
//   POST /api/worklist/{accession}/cancel   {"reason": "..."} -> DISCONTINUED
//   GET  /api/instances               ?accession=A | study=UID | date=YYYYMMDD
//   GET  /metrics                     Prometheus text format
//   GET  /thumbnail/{sop uid}.png
// Errors are JSON {"error": "...", "field": "..."}. Thread-safe: called on the HTTP workers.
class OperatorApi {
 public:
  struct Parts {
    StatusSource& status;
    mwl::WorklistFeed& feed;
    mwl::WorklistLifecycle& lifecycle;
    const ServiceMetrics* metrics;  // null outside serve
    ThumbnailCache& thumbnails;
    const ApiAccess& access;
    std::function<HealthReport()> health;
    std::string version;
    std::filesystem::path storage_path;
  };
  explicit OperatorApi(Parts parts) : parts_(std::move(parts)) {}

  http::HttpResponse handle(const http::HttpRequest& request);

 private:
  http::HttpResponse route(const http::HttpRequest& request);
  http::HttpResponse page(const http::HttpRequest& request);
  http::HttpResponse metrics();
  http::HttpResponse process();
  http::HttpResponse listWorklist(const http::HttpRequest& request, bool unmasked);
  http::HttpResponse createItems(const http::HttpRequest& request);
  http::HttpResponse cancelItem(const std::string& accession, const http::HttpRequest& request);
  http::HttpResponse instances(const http::HttpRequest& request, bool unmasked);
  http::HttpResponse thumbnail(const std::string& uid);

  Parts parts_;
  std::mutex counts_mutex_;
  std::map<int, std::uint64_t> responses_;  // by HTTP status, for /metrics
};

// {"error": message[, "field": field]} with `status`.
http::HttpResponse jsonError(int status, const std::string& message, const std::string& field = {});

}  // namespace gateway::window
