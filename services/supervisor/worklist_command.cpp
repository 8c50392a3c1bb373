// `screening-gateway worklist ...`: the admin side of the worklist feed. Its actions and
// their options are declared here; parsing, checking and formatting of items live in
// services/mwl; this file wires them to the database and the exit codes (0 done,
// 1 failure, 2 invalid usage, values or configuration).
#include <dcmtk/dcmdata/dctag.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "common/config/config_loader.h"
#include "common/config/value_parsers.h"
#include "services/mwl/worklist_attributes.h"
#include "services/mwl/worklist_feed.h"
#include "services/mwl/worklist_import.h"
#include "services/mwl/worklist_json.h"
#include "services/mwl/worklist_reset.h"
#include "services/mwl/worklist_store.h"
#include "services/mwl/worklist_table.h"
#include "services/mwl/worklist_validation.h"
#include "services/supervisor/cli_options.h"
#include "services/supervisor/commands.h"
#include "services/supervisor/progress_line.h"

namespace gateway::supervisor {
namespace {

std::ostream& fail(const std::string& action) {
  return std::cerr << "screening-gateway: worklist " << action << ": ";
}

std::string plural(std::size_t count, const char* noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

// Opens the worklist database (MWL_DB_PATH), creating its folder when missing. On failure
// prints why and sets `exit_code`: 2 for an unusable path, 1 for a database error.
std::unique_ptr<mwl::WorklistStore> openStore(const config::GatewayConfig& config, int& exit_code) {
  const auto problems = config::prepareWritablePaths(config, false, true);
  if (!problems.empty()) {
    for (const auto& problem : problems) std::cerr << "screening-gateway: " << problem << "\n";
    exit_code = 2;
    return nullptr;
  }
  try {
    return std::make_unique<mwl::WorklistStore>(config.mwl.db_path);
  } catch (const std::exception& e) {
    std::cerr << "screening-gateway: cannot open the worklist database: " << e.what() << "\n";
    exit_code = 1;
    return nullptr;
  }
}

int runAdd(const config::GatewayConfig& config, const WorklistOptions& options) {
  mwl::WorklistItem item;
  const auto problems = worklistItemFromFlags(options, item);
  if (!problems.empty()) {
    for (const auto& problem : problems) fail("add") << problem << "\n";
    return 2;
  }
  int exit_code = 0;
  const auto store = openStore(config, exit_code);
  if (!store) return exit_code;
  const bool uid_given =
      std::any_of(options.fields.begin(), options.fields.end(), [](const auto& f) {
        return f.first == "study_instance_uid" && !config::trim(f.second).empty();
      });
  try {
    const auto added = mwl::WorklistFeed(*store).add(
        item, uid_given ? mwl::StudyUid::kGiven : mwl::StudyUid::kGenerated, options.replace);
    std::cout << (added.replaced ? "replaced " : "added ") << item.accession_number
              << " study_instance_uid=" << added.study_instance_uid << "\n";
    return 0;
  } catch (const mwl::DuplicateAccessionError& e) {
    fail("add") << e.what() << "\n";
  } catch (const std::exception& e) {
    fail("add") << "failed: " << e.what() << "\n";
  }
  return 1;
}

int runImport(const config::GatewayConfig& config, const WorklistOptions& options) {
  const auto format = options.format ? options.format : mwl::importFormatFromPath(options.file);
  if (!format) {
    fail("import") << "cannot tell the format of " << options.file
                   << " from its extension; use --format yaml, json or csv\n";
    return 2;
  }
  std::ifstream in(options.file, std::ios::binary);
  if (!in || std::filesystem::is_directory(options.file)) {
    fail("import") << "cannot read " << options.file << ": "
                   << (in ? "it is a folder" : std::strerror(errno)) << "\n";
    return 1;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto import = mwl::prepareWorklistImport(text, *format);

  int exit_code = 0;
  const auto store = openStore(config, exit_code);
  if (!store) return exit_code;
  try {
    auto line =
        ProgressLine::onStderr(false, "worklist import", ProgressLine::Unit::kCount, "items");
    const auto result = mwl::WorklistFeed(*store).import(  // one transaction: all or none
        import, options.replace,
        [&line](std::uint64_t done, std::uint64_t total) { line.update(done, total); });
    line.clear();
    if (!result.written) {
      fail("import") << options.file << ": " << plural(import.errors.size(), "problem")
                     << ", nothing imported:\n";
      for (const auto& error : import.errors) std::cerr << "  " << error.toString() << "\n";
      return 1;
    }
    std::cout << "imported " << plural(result.items, "worklist item") << " from " << options.file;
    if (result.replaced > 0) std::cout << " (" << result.replaced << " replaced)";
    std::cout << "\n";
    return 0;
  } catch (const std::exception& e) {
    fail("import") << options.file << ": " << e.what() << "; nothing imported\n";
    return 1;
  }
}

int runList(const config::GatewayConfig& config, const WorklistOptions& options) {
  int exit_code = 0;
  const auto store = openStore(config, exit_code);
  if (!store) return exit_code;
  try {
    mwl::ListFilter filter;
    filter.date_from = options.date_from;
    filter.date_to = options.date_to;
    filter.statuses = options.statuses;
    const auto items = store->list(filter);
    std::cout << (options.json ? mwl::toJson(items) : mwl::toTable(items));
    return 0;
  } catch (const std::exception& e) {
    fail("list") << "failed: " << e.what() << "\n";
    return 1;
  }
}

int runRemove(const config::GatewayConfig& config, const WorklistOptions& options) {
  int exit_code = 0;
  const auto store = openStore(config, exit_code);
  if (!store) return exit_code;
  const std::string accession = config::trim(options.accession_number);
  try {
    if (!store->remove(accession)) {
      fail("remove") << "no worklist item has accession number " << accession << "\n";
      return 1;
    }
    std::cout << "removed " << accession << "\n";
    return 0;
  } catch (const std::exception& e) {
    fail("remove") << "failed: " << e.what() << "\n";
    return 1;
  }
}

int runReset(const config::GatewayConfig& config, const WorklistOptions& options) {
  mwl::ResetOptions reset;
  reset.backup_dir = options.backup_dir.empty() ? config.mwl.effectiveBackupDir()
                                                : std::filesystem::path(options.backup_dir);
  reset.keep_backups = options.keep_backups > 0 ? options.keep_backups : config.mwl.backup_keep;
  auto line =
      ProgressLine::onStderr(false, "worklist reset backup", ProgressLine::Unit::kCount, "pages");
  reset.progress = [&line](std::uint64_t done, std::uint64_t total) { line.update(done, total); };
  try {
    mwl::WorklistStore store(config.mwl.db_path);
    const auto report = mwl::resetWorklist(store, reset);
    line.clear();
    std::cout << "backed up to " << report.backup_file.string() << "; cleared "
              << report.items_removed << " item(s) and " << report.steps_removed
              << " performed procedure step(s); pruned " << report.pruned.size()
              << " old backup(s)\n";
    return 0;
  } catch (const std::exception& e) {
    line.clear();
    fail("reset") << "failed: " << e.what() << "; the worklist was not cleared\n";
    return 1;
  }
}

ValueHandler dateInto(std::string& target) {
  return [&target](const std::string& value) -> std::optional<std::string> {
    if (!mwl::isValidDate(value)) return "'" + value + "' is not a date YYYYMMDD";
    target = value;
    return std::nullopt;
  };
}

// Comma-separated statuses; the flag may also repeat. Each kept once, in order.
ValueHandler statusesInto(std::vector<std::string>& statuses) {
  return [&statuses](const std::string& value) -> std::optional<std::string> {
    std::size_t start = 0;
    while (start <= value.size()) {
      const std::size_t end = std::min(value.find(',', start), value.size());
      const std::string given = value.substr(start, end - start);
      const std::optional<std::string> parsed = mwl::parseWorklistStatus(given);
      start = end + 1;
      if (!parsed)
        return "'" + given + "' is not SCHEDULED, IN PROGRESS, COMPLETED or DISCONTINUED";
      const std::string& status = *parsed;
      if (std::find(statuses.begin(), statuses.end(), status) == statuses.end()) {
        statuses.push_back(status);
      }
    }
    return std::nullopt;
  };
}

// Words joined by `separator` and spaces, in indented lines of at most 90 characters.
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

// "required; AccessionNumber (0008,0050)": the DICOM attribute the field is sent as.
std::string fieldDescription(const mwl::WorklistField& field) {
  std::string text = field.required ? "required" : "";
  for (const auto& attribute : mwl::worklistAttributes()) {
    if (attribute.member == field.member) {
      DcmTag tag(attribute.tag);  // getTagName() looks the name up: not const
      text += (text.empty() ? "" : "; ") + std::string(tag.getTagName()) + " " +
              attribute.tag.toString().c_str();
      if (attribute.level == mwl::Level::kProcedureCode) text += " of the procedure code";
      if (attribute.level == mwl::Level::kProtocolCode) text += " of the protocol code";
      break;
    }
  }
  return text;
}

// The database every action reads; reset also its backup settings.
const std::vector<std::string> kStoreSettings = {"mwl.db_path", "log_level"};

CommandDeclaration addAction() {
  CommandDeclaration action;
  action.name = "add";
  action.summary = "add one item from flags (--accession-number, --patient-id, ...)";
  action.description =
      "Adds one item to the worklist and prints \"added ACCESSION study_instance_uid=UID\".\n"
      "Each field flag sets the field of the same name (--patient-id sets patient_id); values\n"
      "are checked against their DICOM type (dates YYYYMMDD, times HHMM[SS[.ffffff]], sex\n"
      "M/F/O, lengths, UIDs). When not given: study_instance_uid is generated (2.25...),\n"
      "requested_procedure_id and scheduled_step_id are the accession number,\n"
      "scheduled_step_description is the study description, status is SCHEDULED.\n"
      "An accession number already on the worklist is an error unless --replace, which\n"
      "overwrites that item (keeping its Study Instance UID unless one is given).\n"
      "Required:\n" +
      wrapped(fieldWords(true, true), "");
  action.footer =
      "Exit 0 added, 1 duplicate accession number or database failure, 2 invalid or missing\n"
      "values (one line per problem, naming its flag).\n";
  action.settings = kStoreSettings;
  action.argument_hint = "values go in flags, e.g. --patient-id ID";
  action.declare = [](CLI::App& app, CommandLine& command_line) {
    WorklistOptions& options = command_line.worklist;
    addSwitch(app, "--replace", "overwrite an item with the same accession number",
              options.replace);
    // One flag per writable field of the worklist field table, in its order.
    for (const auto& field : mwl::worklistFields()) {
      if (!field.writable) continue;
      const std::string name = field.name;
      addValueOption(app, fieldFlag(name), "VALUE", fieldDescription(field),
                     [&options, name](const std::string& value) -> std::optional<std::string> {
                       options.fields.emplace_back(name, value);
                       return std::nullopt;
                     })
          ->group("Fields");
    }
  };
  action.run = runWith(runAdd, &CommandLine::worklist);
  return action;
}

CommandDeclaration importAction() {
  CommandDeclaration action;
  action.name = "import";
  action.summary = "add every item of a YAML, JSON or CSV file, all or none";
  action.description =
      "Adds every item of FILE in one transaction: all of them or, on any problem, none.\n"
      "The format comes from the extension (.yaml/.yml, .json, .csv) unless --format says.\n"
      "  YAML  a list of mappings, or a mapping whose key `items` holds that list\n"
      "  JSON  a list of objects (the output of `worklist list --json` imports again)\n"
      "  CSV   a header row of field names, then one item per row; RFC 4180 quoting\n"
      "        (\"a, b\", \"say \"\"hi\"\"\"), UTF-8 (a byte order mark is fine); empty = not\n"
      "        given\n"
      "Every problem is reported at once, naming the item (1-based), its line and field.\n"
      "Accession numbers must be unique in the file and, unless --replace, new to the\n"
      "worklist. Values are checked and completed as by `worklist add`. Prints how many\n"
      "items were imported; on a terminal, a progress line on stderr while they are written.\n"
      "Fields, required:\n" +
      wrapped(fieldWords(true, false), ",") + "optional:\n" +
      wrapped(fieldWords(false, false), ",") +
      "set by the gateway, accepted and ignored (so `list --json` output imports again):\n" +
      wrapped(databaseFieldNames(), ",") + "Any other name is an error.\n";
  action.footer = "Exit 0 imported, 1 nothing imported (problems listed), 2 invalid usage.\n";
  action.settings = kStoreSettings;
  action.declare = [](CLI::App& app, CommandLine& command_line) {
    WorklistOptions& options = command_line.worklist;
    app.add_option("FILE", options.file, "the file to import")->required();
    addValueOption(app, "--format", "yaml|json|csv",
                   "the file's format, when its extension does not say",
                   [&options](const std::string& value) -> std::optional<std::string> {
                     options.format = mwl::parseImportFormat(value);
                     if (!options.format) return "'" + value + "' is not yaml, json or csv";
                     return std::nullopt;
                   });
    addSwitch(app, "--replace", "overwrite items whose accession numbers are on the worklist",
              options.replace);
  };
  action.run = runWith(runImport, &CommandLine::worklist);
  return action;
}

CommandDeclaration listAction() {
  CommandDeclaration action;
  action.name = "list";
  action.summary = "show items as a table or --json [--date | --from --to] [--status]";
  action.description =
      "Shows worklist items by scheduled date and time: a table (accession, scheduled\n"
      "date/time, modality, station, patient ID and name, status, description) or, with\n"
      "--json, a JSON array of objects holding every field. --date is one day; --from and\n"
      "--to (either may be left out) an inclusive range. --status keeps only SCHEDULED,\n"
      "IN PROGRESS (or in-progress), COMPLETED or DISCONTINUED items; repeat it or separate\n"
      "statuses with commas. Shows patient identifiers: the output is for the operator.\n";
  action.footer = "Exit 0 listed (also when empty), 1 database failure.\n";
  action.settings = kStoreSettings;
  action.declare = [](CLI::App& app, CommandLine& command_line) {
    WorklistOptions& options = command_line.worklist;
    CLI::Option* date = addValueOption(app, "--date", "YYYYMMDD", "items scheduled on this day",
                                       [&options](const std::string& value) {
                                         auto error = dateInto(options.date_from)(value);
                                         options.date_to = options.date_from;
                                         return error;
                                       });
    CLI::Option* from = addValueOption(app, "--from", "YYYYMMDD", "items scheduled on or after",
                                       dateInto(options.date_from));
    CLI::Option* to = addValueOption(app, "--to", "YYYYMMDD", "items scheduled on or before",
                                     dateInto(options.date_to));
    addValueOption(app, "--status", "S", "only items with this status (repeatable, or S1,S2)",
                   statusesInto(options.statuses), true);
    addSwitch(app, "--json", "a JSON array of objects with every field", options.json);
    app.callback([&options, date, from, to] {
      if (date->count() > 0 && (from->count() > 0 || to->count() > 0)) {
        throw CLI::ValidationError("--date cannot be combined with --from or --to");
      }
      if (!options.date_from.empty() && !options.date_to.empty() &&
          options.date_from > options.date_to) {
        throw CLI::ValidationError("--from " + options.date_from + " is after --to " +
                                   options.date_to);
      }
    });
  };
  action.run = runWith(runList, &CommandLine::worklist);
  return action;
}

CommandDeclaration removeAction() {
  CommandDeclaration action;
  action.name = "remove";
  action.summary = "remove one item by accession number";
  action.description = "Removes the item with accession number ACCESSION.\n";
  action.footer = "Exit 0 when removed, 1 when there is no such item.\n";
  action.settings = kStoreSettings;
  action.declare = [](CLI::App& app, CommandLine& command_line) {
    app.add_option("ACCESSION", command_line.worklist.accession_number,
                   "the accession number of the item")
        ->required();
  };
  action.run = runWith(runRemove, &CommandLine::worklist);
  return action;
}

CommandDeclaration resetAction() {
  CommandDeclaration action;
  action.name = "reset";
  action.summary = "back up the worklist database, then clear the day [--backup-dir --keep]";
  action.description =
      "The daily reset: an online backup of the worklist database to\n"
      "DIR/worklist-YYYYMMDD-HHMMSS.db (default MWL_BACKUP_DIR, else backups/ beside the\n"
      "database), then every item, performed procedure step (MPPS) and status history row\n"
      "is cleared, in one step that no concurrent writer can slip between. Keeps the N\n"
      "newest backups (default MWL_BACKUP_KEEP, 7) and deletes older ones. Safe while\n"
      "`serve` runs; `serve` can also do it daily itself (MWL_RESET_AT=HH:MM). On a\n"
      "terminal, a progress line on stderr follows the backup.\n";
  action.footer = "Exit 0 done, 1 failed (then nothing was cleared).\n";
  action.settings = {"mwl.db_path", "mwl.backup_dir", "mwl.backup_keep", "log_level"};
  action.declare = [](CLI::App& app, CommandLine& command_line) {
    WorklistOptions& options = command_line.worklist;
    addValueOption(app, "--backup-dir", "DIR", "where the backup goes (overrides MWL_BACKUP_DIR)",
                   [&options](const std::string& value) -> std::optional<std::string> {
                     if (config::trim(value).empty()) return std::string("needs a folder");
                     options.backup_dir = config::trim(value);
                     return std::nullopt;
                   });
    addValueOption(app, "--keep", "N", "backups to keep, 1-3650 (overrides MWL_BACKUP_KEEP)",
                   integerInto(options.keep_backups, 1, 3650));
  };
  action.run = runWith(runReset, &CommandLine::worklist);
  return action;
}

}  // namespace

std::vector<std::string> worklistItemFromFlags(const WorklistOptions& options,
                                               mwl::WorklistItem& item) {
  for (const auto& [name, value] : options.fields) {
    if (const mwl::WorklistField* field = mwl::findWorklistField(name)) {
      item.*(field->member) = value;
    }
  }
  std::vector<std::string> problems;
  for (const auto& error : mwl::validateAndComplete(item)) {
    // "--patient-name is required", "--patient-birth-date: '1990' is not a date YYYYMMDD"
    const bool sentence = error.message.rfind("is ", 0) == 0;
    problems.push_back(fieldFlag(error.field) + (sentence ? " " : ": ") + error.message);
  }
  return problems;
}

CommandDeclaration worklistCommand() {
  CommandDeclaration command;
  command.name = "worklist";
  command.summary = "add, import, list or remove worklist items; reset (daily backup and clear)";
  command.description =
      "Maintains the worklist that modalities query (the MWL_DB_PATH database; its folder\n"
      "is created when missing); safe while `serve` runs.\n";
  command.footer = "`screening-gateway worklist ACTION --help` describes one action.\n";
  command.actions = {addAction(), importAction(), listAction(), removeAction(), resetAction()};
  return command;
}

}  // namespace gateway::supervisor
