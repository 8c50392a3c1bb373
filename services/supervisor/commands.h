#pragma once

#include <string>
#include <vector>

#include "common/config/gateway_config.h"
#include "services/mwl/worklist_item.h"
#include "services/supervisor/command_line.h"

namespace gateway::supervisor {

// Each returns the process exit code (0 success, 1 failure, 2 invalid usage/config).
int runServe(const config::GatewayConfig& config);
int runVerifyStorage(const config::GatewayConfig& config, bool json);
int runHealthcheck(const config::GatewayConfig& config, const CommandLine& command_line);
// `emulate`: plays a mammography modality against the running gateway (emulate_command.cpp).
int runEmulate(const config::GatewayConfig& config, const CommandLine& command_line);
int runVersion();
// `worklist add|import|list|remove` on the MWL_DB_PATH database (worklist_command.cpp).
int runWorklist(const config::GatewayConfig& config, const WorklistOptions& options, bool json);

// `worklist add`: the item from its field flags, validated and completed; one message per
// problem, naming the flag ("--patient-birth-date: '1990' is not a date YYYYMMDD").
std::vector<std::string> worklistItemFromFlags(const WorklistOptions& options,
                                               mwl::WorklistItem& item);

// Entry point shared by main() and the end-to-end tests' expectations.
int runMain(int argc, char** argv);

}  // namespace gateway::supervisor
