#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/config/gateway_config.h"
#include "common/http/http_server.h"
#include "services/mwl/worklist_feed.h"
#include "services/mwl/worklist_lifecycle.h"
#include "services/mwl/worklist_store.h"
#include "services/pacs/instance_index.h"
#include "services/window/api_access.h"
#include "services/window/operator_api.h"
#include "services/window/service_metrics.h"
#include "services/window/status_report.h"
#include "services/window/thumbnail_cache.h"

namespace gateway::window {

// The operator's window inside `serve` (ADR 0018): the HTTP server on its own threads and
// port (http.port, http.bind_address), the routes (OperatorApi) over the running services'
// stores, and the thumbnail cache beside the store. The supervisor creates it after both
// DICOM services are open, starts it after they are, and stops it before them.
class OperatorWindow {
 public:
  struct Services {
    mwl::WorklistStore& worklist;
    mwl::WorklistLifecycle& lifecycle;
    pacs::InstanceIndex& index;
    const ServiceMetrics& metrics;
  };
  // Reads the API token file (throws std::runtime_error naming it when unusable).
  OperatorWindow(const config::GatewayConfig& config, Services services, std::string version);
  ~OperatorWindow();

  void start();  // binds (throws when the port cannot be had) and serves
  void stop();
  std::uint16_t port() const { return server_->port(); }

  // The in-process health report (GET /api/health).
  HealthReport health();

 private:
  const config::GatewayConfig& config_;
  Services services_;
  std::string version_;
  ApiAccess access_;
  mwl::WorklistFeed feed_;
  std::unique_ptr<pacs::ForwardQueue> forward_queue_;  // null: no destinations configured
  StatusSource status_;
  ThumbnailCache thumbnails_;
  std::unique_ptr<OperatorApi> api_;
  std::unique_ptr<http::HttpServer> server_;
};

// The address the DICOM services answer on, for a check from this host: their bind
// address, or loopback when they listen on every address.
std::string dicomHostFor(const config::GatewayConfig& config);

}  // namespace gateway::window
