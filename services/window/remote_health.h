#pragma once

#include <optional>
#include <string>

#include "common/config/gateway_config.h"
#include "common/json/json_writer.h"
#include "services/window/health_checks.h"

namespace gateway::window {

// Where a command on this host reaches the running gateway's HTTP server: its bind address,
// or loopback when it listens on every address; `host` instead when one was given.
std::string httpHostFor(const config::GatewayConfig& config, const std::string& host = {});

// GET `target` from the running gateway's HTTP server (with the API token when one is
// configured, so reads work wherever they need it); nullopt, with `error` set, when it is
// off, unreachable, or does not answer 200 with JSON.
std::optional<json::Json> askRunningGateway(const config::GatewayConfig& config,
                                            const std::string& host, const std::string& target,
                                            std::chrono::seconds timeout, std::string& error);

// The health report as a command on the gateway's host sees it (`healthcheck --json`): the
// traffic checks, a real write in each database (when `write_checks`), the storage's free
// space, and from the running process (GET /api/process, when its HTTP server is on) its
// version, uptime and last association per AE; without it the version is this binary's.
HealthReport healthFromOutside(const config::GatewayConfig& config, const TrafficOptions& traffic,
                               const std::string& binary_version, bool write_checks);

}  // namespace gateway::window
