#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/config/config_loader.h"
#include "services/mwl/worklist_import.h"

namespace gateway::supervisor {

// Options of `worklist ACTION` (worklist_command.cpp), checked against the action.
struct WorklistOptions {
  std::string action;  // add, import, list, remove; empty only with --help
  std::vector<std::pair<std::string, std::string>> fields;  // add: field name, value
  bool replace = false;                                     // add, import --replace
  std::string file;                                         // import FILE
  std::optional<mwl::ImportFormat> format;                  // import --format; none: extension
  std::string date_from;                                    // list --date/--from (YYYYMMDD)
  std::string date_to;                                      // list --date/--to
  std::vector<std::string> statuses;                        // list --status, e.g. IN PROGRESS
  std::string accession_number;                             // remove ACCESSION
  std::string backup_dir;                                   // reset --backup-dir
  int keep_backups = 0;                                     // reset --keep; 0: configured
};

// The parsed command line: which command, its own options, and configuration flags.
struct CommandLine {
  std::string command = "serve";
  bool command_given = false;  // false: "serve" by default
  bool help = false;
  config::ConfigSources sources;  // environment + --config + setting flags
  // Command options (not settings).
  bool json = false;                        // verify-storage, worklist list --json
  std::string host = "127.0.0.1";           // healthcheck --host
  int timeout_seconds = 5;                  // healthcheck --timeout
  std::string calling_aet = "HEALTHCHECK";  // healthcheck --calling-aet
  WorklistOptions worklist;                 // worklist ACTION ...
  bool calling_aet_given = false;           // emulate: default EMULATOR, not HEALTHCHECK
  bool timeout_given = false;               // emulate: default the DIMSE timeout
  std::string station_aet;                  // emulate --station-aet; empty: all stations
  bool once = false;                        // emulate --once
  int interval_seconds = 10;                // emulate --interval
};

struct ParseResult {
  CommandLine command_line;
  std::string error;  // non-empty: usage error (exit 2)
};

// Parses argv; the environment is read by the caller (ConfigSources::fromProcessEnvironment).
ParseResult parseCommandLine(const std::vector<std::string>& args, config::ConfigSources sources);

std::string usageText();
// Help for a command, or for a worklist action ("worklist add").
std::string commandHelp(const std::string& command);
// What `--help` describes for this command line: "worklist add", "healthcheck", ...
std::string helpTopic(const CommandLine& command_line);

// The `worklist add` flag of a field: accession_number -> --accession-number.
std::string fieldFlag(const std::string& field_name);

}  // namespace gateway::supervisor
