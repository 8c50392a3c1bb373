// `screening-gateway worklist ...`: the admin side of the worklist feed. Parsing, checking
// and formatting live in services/mwl; this file wires them to the database and the exit
// codes (0 done, 1 failure, 2 invalid usage, values or configuration).
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "common/config/config_loader.h"
#include "common/config/value_parsers.h"
#include "services/mwl/worklist_feed.h"
#include "services/mwl/worklist_import.h"
#include "services/mwl/worklist_json.h"
#include "services/mwl/worklist_reset.h"
#include "services/mwl/worklist_store.h"
#include "services/mwl/worklist_table.h"
#include "services/mwl/worklist_validation.h"
#include "services/supervisor/commands.h"

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
    const auto result = mwl::WorklistFeed(*store).import(import, options.replace);  // all or none
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

int runList(const config::GatewayConfig& config, const WorklistOptions& options, bool json) {
  int exit_code = 0;
  const auto store = openStore(config, exit_code);
  if (!store) return exit_code;
  try {
    mwl::ListFilter filter;
    filter.date_from = options.date_from;
    filter.date_to = options.date_to;
    filter.statuses = options.statuses;
    const auto items = store->list(filter);
    std::cout << (json ? mwl::toJson(items) : mwl::toTable(items));
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

int runReset(const config::GatewayConfig& config, const WorklistOptions& options) {
  mwl::ResetOptions reset;
  reset.backup_dir = options.backup_dir.empty() ? config.mwl.effectiveBackupDir()
                                                : std::filesystem::path(options.backup_dir);
  reset.keep_backups = options.keep_backups > 0 ? options.keep_backups : config.mwl.backup_keep;
  try {
    mwl::WorklistStore store(config.mwl.db_path);
    const auto report = mwl::resetWorklist(store, reset);
    std::cout << "backed up to " << report.backup_file.string() << "; cleared "
              << report.items_removed << " item(s) and " << report.steps_removed
              << " performed procedure step(s); pruned " << report.pruned.size()
              << " old backup(s)\n";
    return 0;
  } catch (const std::exception& e) {
    fail("reset") << "failed: " << e.what() << "; the worklist was not cleared\n";
    return 1;
  }
}

int runWorklist(const config::GatewayConfig& config, const WorklistOptions& options, bool json) {
  if (options.action == "add") return runAdd(config, options);
  if (options.action == "import") return runImport(config, options);
  if (options.action == "list") return runList(config, options, json);
  if (options.action == "remove") return runRemove(config, options);
  if (options.action == "reset") return runReset(config, options);
  std::cerr << "screening-gateway: worklist needs an action: add, import, list, remove or reset\n";
  return 2;
}

}  // namespace gateway::supervisor
