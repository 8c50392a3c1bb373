// `screening-gateway storage purge`: the retention policy (ADR 0019) by hand, or shown.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>

#include "common/process/instance_lock.h"
#include "services/pacs/file_store.h"
#include "services/pacs/instance_index.h"
#include "services/pacs/retention.h"
#include "services/supervisor/cli_options.h"
#include "services/supervisor/commands.h"

namespace gateway::supervisor {
namespace {

int runPurge(const config::GatewayConfig& config, const StorageOptions& options) {
  if (!std::filesystem::exists(config.pacs.db_path)) {
    std::cerr << "screening-gateway: no index at " << config.pacs.db_path.string()
              << " (PACS_DB_PATH)\n";
    return 1;
  }
  try {
    pacs::FileStore store(config.pacs.storage_path);
    pacs::InstanceIndex index(config.pacs.db_path);
    const pacs::RetentionPolicy policy{config.pacs.retention_days, config.pacs.min_free_percent};
    const auto probe = pacs::statvfsProbe();
    const auto plan =
        pacs::planRetention(index, store, policy, probe, std::chrono::system_clock::now());
    if (options.dry_run) {
      std::cout << (options.json ? pacs::toJson(plan, policy) : pacs::toText(plan, policy));
      return 0;
    }
    // A running serve applies the policy itself, under the archiver's locks; purging beside
    // it could remove an image arriving again at the same moment.
    std::unique_ptr<process::InstanceLock> lock;
    try {
      lock = std::make_unique<process::InstanceLock>(
          config.pacs.storage_path / ".gateway.lock",
          "this storage (" + config.pacs.storage_path.string() + ")");
    } catch (const process::AlreadyLockedError& e) {
      std::cerr << "screening-gateway: " << e.what()
                << "; serve applies the retention policy every PACS_RETENTION_INTERVAL seconds "
                   "(storage purge --dry-run shows what it would remove)\n";
      return 1;
    }
    const auto report = pacs::applyRetention(index, store, plan);
    if (options.json) {
      std::cout << "{\"purged\":" << report.purged << ",\"purged_bytes\":" << report.purged_bytes
                << ",\"skipped\":" << report.skipped << "}\n";
    } else {
      std::cout << report.purged << " instance(s) purged, " << report.purged_bytes << " bytes"
                << (report.skipped > 0 ? ", " + std::to_string(report.skipped) + " skipped" : "")
                << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "screening-gateway: storage purge failed: " << e.what() << "\n";
    return 1;
  }
}

CommandDeclaration purgeAction() {
  CommandDeclaration action;
  action.name = "purge";
  action.summary = "apply the retention policy now, or --dry-run to show what it would remove";
  action.description =
      "Applies the retention policy `serve` applies every PACS_RETENTION_INTERVAL seconds:\n"
      "instances older than PACS_RETENTION_DAYS, and then the oldest ones while the disk\n"
      "has less than PACS_MIN_FREE_PERCENT free, lose their file and their row becomes\n"
      "PURGED, but only once every forwarding destination has SENT them: an image not yet\n"
      "forwarded is never removed. --dry-run lists what would go, and why, and removes\n"
      "nothing; it is safe while `serve` runs. Without it the command refuses while `serve`\n"
      "runs on this storage (serve applies the policy itself).\n";
  action.footer = "Exit 0 done (also when nothing qualifies), 1 when the index cannot be used.\n";
  action.settings = {"pacs.storage_path", "pacs.db_path", "pacs.retention_days",
                     "pacs.min_free_percent", "log_level"};
  action.declare = [](CLI::App& app, CommandLine& command_line) {
    addSwitch(app, "--dry-run", "show what would be purged, remove nothing",
              command_line.storage.dry_run);
    addSwitch(app, "--json", "the plan or the result as JSON", command_line.storage.json);
  };
  action.run = runWith(runPurge, &CommandLine::storage);
  return action;
}

}  // namespace

CommandDeclaration storageCommand() {
  CommandDeclaration command;
  command.name = "storage";
  command.summary = "storage maintenance: purge (retention policy)";
  command.description = "Maintains the file store (PACS_STORAGE_PATH) and its index.\n";
  command.footer = "`screening-gateway storage ACTION --help` describes one action.\n";
  command.actions = {purgeAction()};
  return command;
}

}  // namespace gateway::supervisor
