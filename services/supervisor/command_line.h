#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/config/config_loader.h"
#include "services/mwl/worklist_import.h"

namespace gateway::supervisor {

// The options of each command, declared in its own file (<name>_command.cpp) with CLI11.
// A command accepts only its own options and the setting flags it reads; anything else
// is a usage error naming the option and the command.

// `verify-storage` (verify_storage_command.cpp).
struct VerifyStorageOptions {
  bool json = false;
};

// `healthcheck` (healthcheck_command.cpp).
struct HealthcheckOptions {
  std::string host = "127.0.0.1";
  int timeout_seconds = 5;
  std::string calling_aet = "HEALTHCHECK";
  bool json = false;  // --json: the structured report (ADR 0018)
};

// `status` (status_command.cpp).
struct StatusOptions {
  std::string date;  // --date YYYYMMDD; empty: today (local)
  bool json = false;
  std::string host = "127.0.0.1";
  int timeout_seconds = 5;
};

// `emulate` (emulate_command.cpp).
struct EmulateOptions {
  std::string host = "127.0.0.1";
  std::optional<std::string> calling_aet;  // none: EMULATOR
  std::optional<int> timeout_seconds;      // none: the DIMSE timeout setting
  std::string station_aet;                 // empty: all stations
  bool once = false;
  int interval_seconds = 10;
  bool tls = false;  // use the TLS ports (also when a service has no plain port)
};

// `worklist ACTION` (worklist_command.cpp); each field is taken by the actions named.
struct WorklistOptions {
  std::string action;  // add, import, list, remove, reset; empty only with --help
  std::vector<std::pair<std::string, std::string>> fields;  // add: field name, value
  bool replace = false;                                     // add, import --replace
  std::string file;                                         // import FILE
  std::optional<mwl::ImportFormat> format;                  // import --format; none: extension
  std::string date_from;                                    // list --date/--from (YYYYMMDD)
  std::string date_to;                                      // list --date/--to
  std::vector<std::string> statuses;                        // list --status, e.g. IN PROGRESS
  bool json = false;                                        // list --json
  std::string accession_number;                             // remove ACCESSION
  std::string backup_dir;                                   // reset --backup-dir
  int keep_backups = 0;                                     // reset --keep; 0: configured
};

// `forward ACTION` (forward_command.cpp).
struct ForwardOptions {
  bool json = false;             // status, list --json
  std::string destination;       // retry, list --destination
  bool failed = false;           // retry --failed
  std::string state;             // list --state
  std::string accession_number;  // list --accession
  int limit = 1000;              // list --limit
};

// `storage ACTION` (storage_command.cpp).
struct StorageOptions {
  bool dry_run = false;  // purge --dry-run
  bool json = false;
};

// The parsed command line: which command, its own options, and configuration sources.
struct CommandLine {
  std::string command = "serve";
  std::string action;             // a group's action: "add" of `worklist add`; empty: none
  bool command_given = false;     // false: "serve" by default
  bool help = false;              // --help or `help`: print the help of helpTopic()
  std::string help_command;       // `help COMMAND [ACTION]`: the command asked about
  config::ConfigSources sources;  // environment + --config + the command's setting flags
  VerifyStorageOptions verify_storage;
  HealthcheckOptions healthcheck;
  StatusOptions status;
  EmulateOptions emulate;
  WorklistOptions worklist;
  ForwardOptions forward;
  StorageOptions storage;
};

struct ParseResult {
  CommandLine command_line;
  std::string error;         // non-empty: usage error (exit 2), one line naming what was wrong
  std::string command_path;  // the command parsed (also by default): "serve", "worklist add"
};

// Parses argv (without the program name); the environment is read by the caller
// (ConfigSources::fromProcessEnvironment). Pure: prints nothing.
ParseResult parseCommandLine(const std::vector<std::string>& args, config::ConfigSources sources);

// `screening-gateway --help`: the commands.
std::string usageText();
// The generated help of a command or worklist action ("worklist add"); "" is usageText().
std::string commandHelp(const std::string& topic);
// What `--help` describes for this command line: "worklist add", "healthcheck", "" (all).
std::string helpTopic(const CommandLine& command_line);

// The `worklist add` flag of a field: accession_number -> --accession-number.
std::string fieldFlag(const std::string& field_name);

}  // namespace gateway::supervisor
