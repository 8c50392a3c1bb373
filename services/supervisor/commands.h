#pragma once

#include <string>
#include <vector>

#include "common/config/gateway_config.h"
#include "services/mwl/worklist_item.h"
#include "services/supervisor/command_declaration.h"

namespace gateway::supervisor {

// The commands, one file each (<name>_command.cpp); command_registry.cpp lists them.
CommandDeclaration serveCommand();
CommandDeclaration verifyStorageCommand();
CommandDeclaration healthcheckCommand();
CommandDeclaration statusCommand();
CommandDeclaration worklistCommand();  // with its actions add, import, list, remove, reset
CommandDeclaration emulateCommand();
CommandDeclaration forwardCommand();  // status, retry, list
CommandDeclaration storageCommand();  // purge
CommandDeclaration versionCommand();
CommandDeclaration helpCommand();

// The settings `healthcheck` and `status` read: the services' AEs and ports, the databases,
// the storage, the HTTP server (to ask the running process) and the site's time zone.
std::vector<std::string> operatorWindowSettings();

// "0.1.0": the version of this binary.
std::string versionText();

// `serve`: both services until SIGTERM/SIGINT; returns the exit code.
int runServe(const config::GatewayConfig& config);

// Prints the help of a command ("worklist add"; "" for all of them) on stdout; exit 0.
int runHelp(const std::string& topic);

// `worklist add`: the item from its field flags, validated and completed; one message per
// problem, naming the flag ("--patient-birth-date: '1990' is not a date YYYYMMDD").
std::vector<std::string> worklistItemFromFlags(const WorklistOptions& options,
                                               mwl::WorklistItem& item);

// The process: parse, configure, run the command; returns the exit code (main.cpp).
int runMain(int argc, char** argv);

}  // namespace gateway::supervisor
