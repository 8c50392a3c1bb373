#include "services/window/remote_health.h"

#include <filesystem>

#include "common/http/http_client.h"
#include "services/mwl/worklist_store.h"
#include "services/pacs/instance_index.h"
#include "services/window/api_access.h"

namespace gateway::window {

std::string httpHostFor(const config::GatewayConfig& config, const std::string& host) {
  if (!host.empty() && host != "127.0.0.1") return host;
  const std::string& bind = config.http.bind_address;
  return bind == "0.0.0.0" ? std::string("127.0.0.1") : bind;
}

std::optional<json::Json> askRunningGateway(const config::GatewayConfig& config,
                                            const std::string& host, const std::string& target,
                                            std::chrono::seconds timeout, std::string& error) {
  if (config.http.port == 0) {
    error = "the HTTP server is off (GATEWAY_HTTP_PORT=0)";
    return std::nullopt;
  }
  std::vector<std::pair<std::string, std::string>> headers;
  if (!config.http.api_token_file.empty()) {
    try {
      headers.emplace_back("Authorization", "Bearer " + loadApiToken(config.http.api_token_file));
    } catch (const std::exception&) {
      // Not readable by this user: try without; reads on loopback need none.
    }
  }
  const std::string where = httpHostFor(config, host);
  const auto response =
      http::httpRequest(where, config.http.port, "GET", target, {}, headers,
                        std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
  const std::string url = "http://" + where + ":" + std::to_string(config.http.port) + target;
  if (!response.answered()) {
    error = "GET " + url + ": " + response.error;
    return std::nullopt;
  }
  if (response.status != 200) {
    error = "GET " + url + ": status " + std::to_string(response.status);
    return std::nullopt;
  }
  try {
    return json::Json::parse(response.body);
  } catch (const std::exception& e) {
    error = "GET " + url + ": not JSON: " + e.what();
    return std::nullopt;
  }
}

HealthReport healthFromOutside(const config::GatewayConfig& config, const TrafficOptions& traffic,
                               const std::string& binary_version, bool write_checks) {
  HealthReport report;
  report.version = binary_version;
  report.checks = trafficChecks(config, traffic);
  if (write_checks) {
    // The databases are written where they are, as the running process would: a database
    // that does not exist is a failure, never created here.
    report.checks.push_back(writeCheck("pacs-db-write", [&config] {
      if (!std::filesystem::exists(config.pacs.db_path)) {
        throw std::runtime_error("no index at " + config.pacs.db_path.string());
      }
      pacs::InstanceIndex(config.pacs.db_path).proveWritable("healthcheck");
    }));
    report.checks.push_back(writeCheck("mwl-db-write", [&config] {
      if (!std::filesystem::exists(config.mwl.db_path)) {
        throw std::runtime_error("no worklist database at " + config.mwl.db_path.string());
      }
      mwl::WorklistStore(config.mwl.db_path).proveWritable("healthcheck");
    }));
  }
  report.disk = diskSpace(config.pacs.storage_path);
  report.checks.push_back(diskCheck(report.disk));
  if (config.http.port == 0) return report;

  const auto started = std::chrono::steady_clock::now();
  std::string error;
  const auto process =
      askRunningGateway(config, traffic.host, "/api/process", traffic.timeout, error);
  if (!process) {
    report.checks.push_back({"http-api", false, "HTTP", error});
    return report;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  report.checks.push_back({"http-api", true, "HTTP", std::to_string(ms) + "ms"});
  report.version = process->value("version", binary_version);
  report.uptime_s = process->value("uptime_s", std::int64_t{0});
  report.started = static_cast<std::time_t>(process->value("started", std::int64_t{0}));
  if (process->contains("last_associations") && (*process)["last_associations"].is_array()) {
    for (const auto& a : (*process)["last_associations"]) {
      AssociationEvent event;
      event.at = static_cast<std::time_t>(a.value("at_unix", std::int64_t{0}));
      event.service = a.value("service", "");
      event.calling_aet = a.value("calling_aet", "");
      event.peer_address = a.value("peer_address", "");
      event.outcome = a.value("outcome", "");
      report.last_associations.push_back(event);
    }
  }
  return report;
}

}  // namespace gateway::window
