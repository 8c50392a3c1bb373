#pragma once

#include "common/config/gateway_config.h"
#include "services/supervisor/command_line.h"

namespace gateway::supervisor {

// Each returns the process exit code (0 success, 1 failure, 2 invalid usage/config).
int runServe(const config::GatewayConfig& config);
int runVerifyStorage(const config::GatewayConfig& config, bool json);
int runHealthcheck(const config::GatewayConfig& config, const CommandLine& command_line);
int runVersion();

// Entry point shared by main() and the end-to-end tests' expectations.
int runMain(int argc, char** argv);

}  // namespace gateway::supervisor
