#include "services/window/operator_window.h"

#include <ctime>

#include "common/logging/logging.h"
#include "services/window/thumbnail_renderer.h"

namespace gateway::window {
namespace {

ApiAccess accessFor(const config::HttpSettings& http) {
  std::string token;
  if (!http.api_token_file.empty()) token = loadApiToken(http.api_token_file);
  return ApiAccess(std::move(token), !isLoopbackAddress(http.bind_address) && !http.open_reads);
}

}  // namespace

std::string dicomHostFor(const config::GatewayConfig& config) {
  const std::string& bind = config.network.bind_address;
  return bind == "0.0.0.0" ? std::string("127.0.0.1") : bind;
}

OperatorWindow::OperatorWindow(const config::GatewayConfig& config, Services services,
                               std::string version)
    : config_(config),
      services_(services),
      version_(std::move(version)),
      access_(accessFor(config.http)),
      feed_(services.worklist),
      forward_queue_(forwardQueueFor(config)),
      status_(services.worklist, services.index, config.pacs.storage_path, &services.metrics,
              forwardingSourceFor(config, forward_queue_.get())),
      thumbnails_(config.pacs.storage_path, thumbnailDirFor(config.pacs.storage_path)) {
  registerImageDecoders();
  api_ = std::make_unique<OperatorApi>(OperatorApi::Parts{
      status_, feed_, services_.lifecycle, &services_.metrics, thumbnails_, access_,
      [this] { return health(); }, version_, config_.pacs.storage_path});
  http::HttpServerOptions options;
  options.name = "http";
  options.bind_address = config.http.bind_address;
  options.port = config.http.port;
  options.max_body_bytes = 4 * 1024 * 1024;  // a day's appointments in one POST
  server_ = std::make_unique<http::HttpServer>(
      options, [this](const http::HttpRequest& request) { return api_->handle(request); },
      *logging::http());
}

OperatorWindow::~OperatorWindow() { stop(); }

void OperatorWindow::start() {
  server_->bind();
  server_->start();
  auto log = logging::http();
  log->info("operator's window http://{}:{}/ write_api={} reads_need_token={}",
            config_.http.bind_address, server_->port(), access_.writesEnabled() ? "on" : "off",
            access_.readsNeedToken() ? "yes" : "no");
  if (access_.readsNeedToken() && !access_.writesEnabled()) {
    log->warn(
        "the HTTP server is bound to {} (not loopback) without a token: every request "
        "will be refused (set GATEWAY_API_TOKEN_FILE or GATEWAY_HTTP_OPEN_READS)",
        config_.http.bind_address);
  }
}

void OperatorWindow::stop() {
  if (server_) server_->stop();
}

HealthReport OperatorWindow::health() {
  HealthReport report;
  report.version = version_;
  const MetricsSnapshot snapshot = services_.metrics.snapshot();
  report.started = snapshot.started;
  report.uptime_s = static_cast<std::int64_t>(std::time(nullptr) - snapshot.started);
  TrafficOptions traffic;
  traffic.host = dicomHostFor(config_);
  report.checks = trafficChecks(config_, traffic);
  report.checks.push_back(
      writeCheck("pacs-db-write", [this] { services_.index.proveWritable("serve"); }));
  report.checks.push_back(
      writeCheck("mwl-db-write", [this] { services_.worklist.proveWritable("serve"); }));
  report.disk = diskSpace(config_.pacs.storage_path);
  report.checks.push_back(diskCheck(report.disk));
  for (const auto& s : snapshot.services) {
    if (s.last_association) report.last_associations.push_back(*s.last_association);
  }
  return report;
}

}  // namespace gateway::window
