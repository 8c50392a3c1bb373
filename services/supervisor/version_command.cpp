// `screening-gateway version`.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <iostream>

#include "services/supervisor/commands.h"

#ifndef GATEWAY_VERSION
#define GATEWAY_VERSION "0.0.0"
#endif

namespace gateway::supervisor {

std::string versionText() { return GATEWAY_VERSION; }

CommandDeclaration versionCommand() {
  CommandDeclaration command;
  command.name = "version";
  command.summary = "print the version";
  command.description = "Prints the gateway's version and the DCMTK version it was built with.\n";
  command.run = [](const config::GatewayConfig&, const CommandLine&) {
    std::cout << "screening-gateway " << GATEWAY_VERSION << " (DCMTK " << OFFIS_DCMTK_VERSION_STRING
              << ")\n";
    return 0;
  };
  return command;
}

}  // namespace gateway::supervisor
