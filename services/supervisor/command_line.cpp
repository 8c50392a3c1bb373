#include "services/supervisor/command_line.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/config/setting_table.h"
#include "common/config/value_parsers.h"
#include "common/dicom_values/value_checks.h"
#include "services/mwl/worklist_item.h"
#include "services/mwl/worklist_validation.h"

namespace gateway::supervisor {
namespace {

const std::set<std::string> kCommands = {"serve",    "verify-storage", "healthcheck", "version",
                                         "worklist", "help",           "emulate"};
const std::set<std::string> kWorklistActions = {"add", "import", "list", "remove", "reset"};
// Options of worklist actions other than the field flags of `add`.
const std::set<std::string> kWorklistFlags = {"--replace", "--format",     "--date",
                                              "--from",    "--to",         "--status",
                                              "--keep",    "--backup-dir"};

// The writable field whose `worklist add` flag this is, or nullptr.
const mwl::WorklistField* fieldOfFlag(const std::string& flag) {
  for (const auto& field : mwl::worklistFields()) {
    if (field.writable && flag == fieldFlag(field.name)) return &field;
  }
  return nullptr;
}

bool isWorklistFlag(const std::string& flag) {
  return kWorklistFlags.count(flag) != 0 || fieldOfFlag(flag) != nullptr;
}

// "in-progress", "In_Progress" -> "IN PROGRESS".
std::string normaliseStatus(std::string value) {
  value = config::trim(value);
  std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) {
    return c == '_' || c == '-' ? ' ' : static_cast<char>(std::toupper(c));
  });
  return value;
}

bool readDate(const std::string& flag, const std::string& value, std::string& out,
              std::string& error) {
  if (!out.empty()) {
    error = flag + " is given twice";
    return false;
  }
  if (!mwl::isValidDate(value)) {
    error = flag + ": '" + value + "' is not a date YYYYMMDD";
    return false;
  }
  out = value;
  return true;
}

// Checks the options collected for `worklist` against its action and stores them.
// Returns false with `error` set on a usage error.
bool finishWorklist(CommandLine& cl, const std::vector<std::string>& positionals,
                    const std::vector<std::pair<std::string, std::string>>& flags,
                    std::string& error) {
  WorklistOptions& wl = cl.worklist;
  if (positionals.empty()) {
    if (cl.help) return true;
    error = "worklist needs an action: add, import, list, remove or reset";
    return false;
  }
  if (kWorklistActions.count(positionals.front()) == 0) {
    error = "unknown worklist action '" + positionals.front() +
            "' (add, import, list, remove or reset)";
    return false;
  }
  wl.action = positionals.front();
  if (cl.help) return true;
  const std::vector<std::string> arguments(positionals.begin() + 1, positionals.end());
  const std::string context = "worklist " + wl.action;
  if (cl.json && wl.action != "list") {
    error = "--json is not an option of " + context;
    return false;
  }
  const auto has = [&flags](const char* name) {
    return std::any_of(flags.begin(), flags.end(),
                       [name](const auto& f) { return f.first == name; });
  };
  if (has("--date") && (has("--from") || has("--to"))) {
    error = "--date cannot be combined with --from or --to";
    return false;
  }
  for (const auto& [flag, value] : flags) {
    const bool allowed =
        (wl.action == "add" && (flag == "--replace" || fieldOfFlag(flag) != nullptr)) ||
        (wl.action == "import" && (flag == "--replace" || flag == "--format")) ||
        (wl.action == "list" &&
         (flag == "--date" || flag == "--from" || flag == "--to" || flag == "--status")) ||
        (wl.action == "reset" && (flag == "--backup-dir" || flag == "--keep"));
    if (!allowed) {
      error = flag + " is not an option of " + context;
      return false;
    }
    if (flag == "--replace") {
      wl.replace = true;
    } else if (wl.action == "add") {
      const std::string name = fieldOfFlag(flag)->name;
      const bool repeated = std::any_of(wl.fields.begin(), wl.fields.end(),
                                        [&name](const auto& field) { return field.first == name; });
      if (repeated) {
        error = flag + " is given twice";
        return false;
      }
      wl.fields.emplace_back(name, value);
    } else if (flag == "--format") {
      wl.format = mwl::parseImportFormat(value);
      if (!wl.format) {
        error = "--format: '" + value + "' is not yaml, json or csv";
        return false;
      }
    } else if (flag == "--backup-dir") {
      if (config::trim(value).empty()) {
        error = "--backup-dir needs a folder";
        return false;
      }
      wl.backup_dir = config::trim(value);
    } else if (flag == "--keep") {
      const auto keep = config::parseInteger(value, 1, 3650);
      if (!keep.value) {
        error = "--keep: " + keep.error;
        return false;
      }
      wl.keep_backups = static_cast<int>(*keep.value);
    } else if (flag == "--date") {
      if (!readDate(flag, value, wl.date_from, error)) return false;
      wl.date_to = wl.date_from;
    } else if (flag == "--from") {
      if (!readDate(flag, value, wl.date_from, error)) return false;
    } else if (flag == "--to") {
      if (!readDate(flag, value, wl.date_to, error)) return false;
    } else if (flag == "--status") {
      std::size_t start = 0;
      while (start <= value.size()) {  // comma-separated, and the flag may repeat
        const std::size_t end = std::min(value.find(',', start), value.size());
        const std::string given = value.substr(start, end - start);
        const std::string status = normaliseStatus(given);
        start = end + 1;
        if (status != mwl::kScheduled && status != mwl::kInProgress && status != mwl::kCompleted &&
            status != mwl::kDiscontinued) {
          error =
              "--status: '" + given + "' is not SCHEDULED, IN PROGRESS, COMPLETED or DISCONTINUED";
          return false;
        }
        if (std::find(wl.statuses.begin(), wl.statuses.end(), status) == wl.statuses.end()) {
          wl.statuses.push_back(status);
        }
      }
    }
  }
  if (!wl.date_from.empty() && !wl.date_to.empty() && wl.date_from > wl.date_to) {
    error = "--from " + wl.date_from + " is after --to " + wl.date_to;
    return false;
  }
  if (wl.action == "import" || wl.action == "remove") {
    const char* what = wl.action == "import" ? "FILE" : "ACCESSION (an accession number)";
    if (arguments.size() != 1) {
      error = context + " needs one " + what +
              (arguments.empty() ? "" : ", not " + std::to_string(arguments.size()));
      return false;
    }
    (wl.action == "import" ? wl.file : wl.accession_number) = arguments.front();
  } else if (!arguments.empty()) {
    error = "unexpected argument '" + arguments.front() + "' for " + context +
            (wl.action == "add" ? " (values go in flags, e.g. --patient-id ID)" : "");
    return false;
  }
  return true;
}

std::string settingsHelp() {
  std::string out =
      "Settings (flag > environment > YAML file > default):\n"
      "  --config FILE  YAML file with the same settings (or GATEWAY_CONFIG=FILE)\n";
  for (const auto& spec : config::settingTable()) {
    std::string left = std::string("  ") + spec.flag + " / " + spec.env;
    if (left.size() < 52) left.resize(52, ' ');
    out += left + " " + spec.description + "\n";
  }
  return out;
}

// Words joined by spaces (`separator` after all but the last), in indented lines of at
// most 90 characters.
std::string wrapped(const std::vector<std::string>& words, const std::string& separator) {
  std::string out;
  std::string line;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string word = words[i] + (i + 1 < words.size() ? separator : "");
    if (!line.empty() && line.size() + word.size() + 3 > 90) {
      out += "  " + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  return out + "  " + line + "\n";
}

// The writable fields (names or `add` flags), required ones or the others.
std::vector<std::string> fieldWords(bool required, bool as_flags) {
  std::vector<std::string> words;
  for (const auto& field : mwl::worklistFields()) {
    if (!field.writable || field.required != required) continue;
    words.push_back(as_flags ? fieldFlag(field.name) : std::string(field.name));
  }
  return words;
}

// The fields the gateway sets itself (created_at, ...): not writable by the feed.
std::vector<std::string> databaseFieldNames() {
  std::vector<std::string> names;
  for (const auto& field : mwl::worklistFields()) {
    if (!field.writable) names.emplace_back(field.name);
  }
  return names;
}

const char* const kWorklistSettings =
    "Settings: --mwl-db-path FILE / MWL_DB_PATH, the worklist database (its folder is created\n"
    "when missing); --config FILE. `screening-gateway serve --help` lists every setting.\n";

std::string worklistHelp(const std::string& action) {
  if (action == "add") {
    return "Usage: screening-gateway worklist add --accession-number A --patient-id ID\n"
           "         --patient-name FAMILY^GIVEN --patient-birth-date YYYYMMDD\n"
           "         --scheduled-date YYYYMMDD --scheduled-time HHMM[SS] --modality MG\n"
           "         [FIELD FLAGS] [--replace] [SETTINGS]\n\n"
           "Adds one item to the worklist and prints \"added ACCESSION study_instance_uid=UID\".\n"
           "Each flag sets the field of the same name (--patient-id sets patient_id); values are\n"
           "checked against their DICOM type (dates YYYYMMDD, times HHMM[SS[.ffffff]], sex M/F/O,\n"
           "lengths, UIDs). When not given: study_instance_uid is generated (2.25...),\n"
           "requested_procedure_id and scheduled_step_id are the accession number,\n"
           "scheduled_step_description is the study description, status is SCHEDULED.\n"
           "An accession number already on the worklist is an error unless --replace, which\n"
           "overwrites that item (keeping its Study Instance UID unless one is given).\n"
           "Exit 0 added, 1 duplicate accession number or database failure, 2 invalid or missing\n"
           "values (one line per problem, naming its flag).\n\n"
           "Required:\n" +
           wrapped(fieldWords(true, true), "") + "Optional:\n" +
           wrapped(fieldWords(false, true), "") + "\n" + kWorklistSettings;
  }
  if (action == "import") {
    return "Usage: screening-gateway worklist import FILE [--format yaml|json|csv] [--replace]\n"
           "                                       [SETTINGS]\n\n"
           "Adds every item of FILE in one transaction: all of them or, on any problem, none.\n"
           "The format comes from the extension (.yaml/.yml, .json, .csv) unless --format says.\n"
           "  YAML  a list of mappings, or a mapping whose key `items` holds that list\n"
           "  JSON  a list of objects (the output of `worklist list --json` imports again)\n"
           "  CSV   a header row of field names, then one item per row; RFC 4180 quoting\n"
           "        (\"a, b\", \"say \"\"hi\"\"\"), UTF-8 (a byte order mark is fine); empty = not "
           "given\n"
           "Every problem is reported at once, naming the item (1-based), its line and field.\n"
           "Accession numbers must be unique in the file and, unless --replace, new to the\n"
           "worklist. Values are checked and completed as by `worklist add`. Prints how many\n"
           "items were imported. Exit 0 imported, 1 nothing imported (problems listed),\n"
           "2 invalid usage.\n\n"
           "Fields, required:\n" +
           wrapped(fieldWords(true, false), ",") + "optional:\n" +
           wrapped(fieldWords(false, false), ",") +
           "set by the gateway, accepted and ignored (so `list --json` output imports again):\n" +
           wrapped(databaseFieldNames(), ",") + "Any other name is an error.\n\n" +
           kWorklistSettings;
  }
  if (action == "list") {
    return "Usage: screening-gateway worklist list [--date YYYYMMDD | --from YYYYMMDD --to "
           "YYYYMMDD]\n"
           "                                     [--status S ...] [--json] [SETTINGS]\n\n"
           "Shows worklist items by scheduled date and time: a table (accession, scheduled\n"
           "date/time, modality, station, patient ID and name, status, description) or, with\n"
           "--json, a JSON array of objects holding every field. --date is one day; --from and\n"
           "--to (either may be left out) an inclusive range. --status keeps only SCHEDULED,\n"
           "IN PROGRESS (or in-progress), COMPLETED or DISCONTINUED items; repeat it or separate\n"
           "statuses with commas. Shows patient identifiers: the output is for the operator.\n\n" +
           std::string(kWorklistSettings);
  }
  if (action == "reset") {
    return "Usage: screening-gateway worklist reset [--backup-dir DIR] [--keep N] [SETTINGS]\n\n"
           "The daily reset: an online backup of the worklist database to\n"
           "DIR/worklist-YYYYMMDD-HHMMSS.db (default MWL_BACKUP_DIR, else backups/ beside the\n"
           "database), then every item, performed procedure step (MPPS) and status history row\n"
           "is cleared, in one step that no concurrent writer can slip between. Keeps the N\n"
           "newest backups (default MWL_BACKUP_KEEP, 7) and deletes older ones. Safe while\n"
           "`serve` runs; `serve` can also do it daily itself (MWL_RESET_AT=HH:MM).\n"
           "Exit 0 done, 1 failed (then nothing was cleared).\n\n" +
           std::string(kWorklistSettings);
  }
  if (action == "remove") {
    return "Usage: screening-gateway worklist remove ACCESSION [SETTINGS]\n\n"
           "Removes the item with accession number ACCESSION. Exit 0 when removed, 1 when there\n"
           "is no such item.\n\n" +
           std::string(kWorklistSettings);
  }
  return "Usage: screening-gateway worklist ACTION [OPTIONS] [SETTINGS]\n\n"
         "Maintains the worklist that modalities query (the MWL_DB_PATH database); safe while\n"
         "`serve` runs.\n\n"
         "Actions:\n"
         "  add      add one item from flags (--accession-number, --patient-id, ...)\n"
         "  import   add every item of a YAML, JSON or CSV file, all or none\n"
         "  list     show items as a table or --json [--date | --from --to] [--status]\n"
         "  remove   remove one item by accession number\n"
         "  reset    back up the worklist database, then clear the day [--backup-dir --keep]\n\n"
         "`screening-gateway worklist ACTION --help` describes one action.\n" +
         std::string(kWorklistSettings);
}

}  // namespace

std::string fieldFlag(const std::string& field_name) {
  std::string flag = "--" + field_name;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

std::string helpTopic(const CommandLine& command_line) {
  if (!command_line.command_given || command_line.command == "help") return "";
  if (command_line.command == "worklist" && !command_line.worklist.action.empty()) {
    return "worklist " + command_line.worklist.action;
  }
  return command_line.command;
}

std::string usageText() {
  return "Usage: screening-gateway [COMMAND] [OPTIONS]\n"
         "\n"
         "Breast screening DICOM gateway: Modality Worklist with MPPS, and a PACS storage SCP\n"
         "with a hash-based file store indexed in SQLite.\n"
         "\n"
         "Commands:\n"
         "  serve            run the worklist/MPPS and storage services until SIGTERM/SIGINT\n"
         "                   (the default)\n"
         "  verify-storage   re-hash every stored file; report missing, corrupt, orphan files\n"
         "  healthcheck      C-ECHO both services and run a worklist C-FIND; exit 0 only if\n"
         "                   all answer\n"
         "  worklist         add, import, list or remove worklist items; reset (daily backup\n"
         "                   and clear)\n"
         "  emulate          play a mammography modality: worklist, MPPS, four MG images\n"
         "  version          print the version\n"
         "\n"
         "`screening-gateway COMMAND --help` describes one command.\n"
         "Exit codes: 0 success, 1 failure (or problems found), 2 invalid usage or "
         "configuration.\n";
}

std::string commandHelp(const std::string& command) {
  if (command == "serve") {
    return "Usage: screening-gateway serve [SETTINGS]\n\n"
           "Starts, on separate threads, the worklist service (C-ECHO, Modality Worklist\n"
           "C-FIND, MPPS N-CREATE/N-SET) on MWL_PORT as MWL_AET and the PACS storage SCP\n"
           "(C-ECHO, C-STORE) on PACS_PORT as PACS_AET. Before the ports open, leftover\n"
           "temporary files are removed, files without an index row are indexed and rows\n"
           "without a file are marked MISSING. With MWL_RESET_AT=HH:MM the worklist is backed\n"
           "up and cleared daily at that time.\n"
           "SIGTERM/SIGINT: stop accepting, let transfers finish (shutdown_timeout), exit 0.\n\n" +
           settingsHelp();
  }
  if (command == "verify-storage") {
    return "Usage: screening-gateway verify-storage [--json] [SETTINGS]\n\n"
           "Re-hashes every indexed file (PACS_STORAGE_PATH, PACS_DB_PATH) and compares it with\n"
           "its index row. Reports missing, corrupt (hash mismatch), size_mismatch and orphan\n"
           "(file without a row) files, as text or --json. Exit 1 if anything is wrong.\n"
           "Safe while `serve` runs.\n\n" +
           settingsHelp();
  }
  if (command == "healthcheck") {
    return "Usage: screening-gateway healthcheck [--host H] [--timeout S] [--calling-aet AE]\n"
           "                                  [SETTINGS]\n\n"
           "Proves health by traffic: a C-ECHO to the storage service (PACS_PORT, PACS_AET)\n"
           "and to the worklist service (MWL_PORT, MWL_AET) at H (default 127.0.0.1), and a\n"
           "worklist C-FIND for today's items. Exit 0 when all answer within S seconds each\n"
           "(default 5), else 1 and one line saying which failed.\n\n" +
           settingsHelp();
  }
  if (command == "emulate") {
    return "Usage: screening-gateway emulate [--once | --interval S] [--station-aet AE]\n"
           "                                [--calling-aet AE] [--host H] [--timeout S] "
           "[SETTINGS]\n\n"
           "Plays a mammography modality against the running gateway at H (default\n"
           "127.0.0.1), ports and AE titles from the settings (MWL_PORT/MWL_AET, PACS_PORT/\n"
           "PACS_AET). Each pass queries the worklist for today's MG steps (local date; one\n"
           "station's only with --station-aet) and, for each SCHEDULED step: MPPS N-CREATE\n"
           "IN PROGRESS, four synthetic Digital Mammography For Presentation images (LCC,\n"
           "LMLO, RCC, RMLO) with the step's patient, accession and study, C-STORE to the\n"
           "PACS on one association, MPPS N-SET COMPLETED (DISCONTINUED if an image was\n"
           "refused). Images are still sent when MPPS is refused. One line per step, then a\n"
           "summary.\n"
           "  --once            one pass, then exit\n"
           "  --interval S      otherwise: a pass every S seconds (default 10) until\n"
           "                    SIGTERM/SIGINT; a step is done at most once per run\n"
           "  --station-aet AE  only steps scheduled for this station (default: all)\n"
           "  --calling-aet AE  our AE title, also the Performed Station AE (default EMULATOR)\n"
           "  --timeout S       connect/ACSE/DIMSE timeout of every exchange (default: the\n"
           "                    DIMSE timeout setting, 30)\n"
           "Exit 0 when everything attempted succeeded, 1 otherwise (a failed query or step).\n\n" +
           settingsHelp();
  }
  if (command == "version") return "Usage: screening-gateway version\n";
  if (command == "worklist") return worklistHelp("");
  if (command.rfind("worklist ", 0) == 0) return worklistHelp(command.substr(9));
  return usageText();
}

ParseResult parseCommandLine(const std::vector<std::string>& args, config::ConfigSources sources) {
  ParseResult result;
  CommandLine& cl = result.command_line;
  cl.sources = std::move(sources);
  bool command_seen = false;
  std::vector<std::string> positionals;                       // after `worklist`
  std::vector<std::pair<std::string, std::string>> wl_flags;  // worklist options, in order
  std::vector<std::string> emulate_flags;                     // emulate-only options given
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::string value;
    bool has_inline_value = false;
    if (arg.rfind("--", 0) == 0) {
      if (const auto eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline_value = true;
      }
    }
    auto takeValue = [&](std::string& out) -> bool {
      if (has_inline_value) {
        out = value;
        return true;
      }
      if (i + 1 >= args.size()) {
        result.error = arg + " needs a value";
        return false;
      }
      out = args[++i];
      return true;
    };

    if (arg == "--help" || arg == "-h") {
      cl.help = true;
    } else if (arg == "--config") {
      std::string file;
      if (!takeValue(file)) return result;
      cl.sources.yaml_file = file;
    } else if (arg == "--json") {
      cl.json = true;
    } else if (arg == "--host") {
      if (!takeValue(cl.host)) return result;
    } else if (arg == "--calling-aet") {
      std::string aet;
      if (!takeValue(aet)) return result;
      const auto parsed = dicom_values::parseAeTitle(aet);
      if (!parsed.value) {
        result.error = "--calling-aet: " + parsed.error;
        return result;
      }
      cl.calling_aet = *parsed.value;
      cl.calling_aet_given = true;
    } else if (arg == "--timeout") {
      std::string seconds;
      if (!takeValue(seconds)) return result;
      const auto parsed = config::parseInteger(seconds, 1, 300);
      if (!parsed.value) {
        result.error = "--timeout: " + parsed.error;
        return result;
      }
      cl.timeout_seconds = static_cast<int>(*parsed.value);
      cl.timeout_given = true;
    } else if (arg == "--once") {
      if (has_inline_value) {
        result.error = "--once takes no value";
        return result;
      }
      cl.once = true;
      emulate_flags.push_back(arg);
    } else if (arg == "--station-aet") {
      std::string aet;
      if (!takeValue(aet)) return result;
      const auto parsed = dicom_values::parseAeTitle(aet);
      if (!parsed.value) {
        result.error = "--station-aet: " + parsed.error;
        return result;
      }
      cl.station_aet = *parsed.value;
      emulate_flags.push_back(arg);
    } else if (arg == "--interval") {
      std::string seconds;
      if (!takeValue(seconds)) return result;
      const auto parsed = config::parseInteger(seconds, 1, 86400);
      if (!parsed.value) {
        result.error = "--interval: " + parsed.error;
        return result;
      }
      cl.interval_seconds = static_cast<int>(*parsed.value);
      emulate_flags.push_back(arg);
    } else if (arg == "--replace") {
      if (has_inline_value) {
        result.error = "--replace takes no value";
        return result;
      }
      wl_flags.emplace_back(arg, "");
    } else if (isWorklistFlag(arg)) {
      std::string flag_value;
      if (!takeValue(flag_value)) return result;
      wl_flags.emplace_back(arg, flag_value);
    } else if (config::findSettingByFlag(arg) != nullptr) {
      std::string setting_value;
      if (!takeValue(setting_value)) return result;
      cl.sources.flags.emplace_back(arg, setting_value);
    } else if (arg.rfind("-", 0) == 0) {
      result.error = "unknown option " + arg;
      return result;
    } else if (!command_seen && kCommands.count(arg) != 0) {
      cl.command = arg;
      command_seen = true;
      cl.command_given = true;
    } else if (command_seen && cl.command == "worklist") {
      positionals.push_back(arg);
    } else {
      result.error = "unexpected argument '" + arg + "'";
      return result;
    }
  }
  cl.command_given = command_seen;
  if (cl.command == "help") cl.help = true;
  if (cl.command == "worklist") {
    finishWorklist(cl, positionals, wl_flags, result.error);
  } else if (!wl_flags.empty()) {
    result.error = wl_flags.front().first + " is an option of the worklist command";
  }
  if (result.error.empty() && cl.command != "emulate" && !emulate_flags.empty()) {
    result.error = emulate_flags.front() + " is an option of the emulate command";
  }
  return result;
}

}  // namespace gateway::supervisor
