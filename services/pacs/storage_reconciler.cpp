#include "services/pacs/storage_reconciler.h"

#include <filesystem>
#include <string>
#include <vector>

#include "common/crypto/sha256.h"
#include "common/logging/logging.h"
#include "services/pacs/instance_metadata.h"
#include "services/pacs/storage_path.h"

namespace gateway::pacs {
namespace {

namespace fs = std::filesystem;

void indexUnknownFile(FileStore& store, InstanceIndex& index, const std::string& relative,
                      const ForwardRouting& routing, ReconcileReport& report) {
  const auto path = store.absolute(relative);
  const MetadataResult parsed = readInstanceMetadata(path);
  if (!parsed.metadata || storagePathFor(parsed.metadata->sop_instance_uid) != relative) {
    ++report.foreign_files;
    logging::pacs()->warn(
        "reconcile: foreign file left in place path={} reason=\"{}\"", relative,
        parsed.metadata ? "SOP Instance UID does not hash to this path" : parsed.error);
    return;
  }
  const auto hash = crypto::sha256OfFile(path);
  if (!hash) {
    ++report.foreign_files;
    logging::pacs()->warn("reconcile: unreadable file left in place path={}", relative);
    return;
  }
  StoredInstance row;
  row.metadata = *parsed.metadata;
  row.storage_path = relative;
  row.file_size = static_cast<std::int64_t>(fs::file_size(path));
  row.storage_hash = *hash;
  index.upsert(row, routing.destinationsFor(row.metadata, ""));
  ++report.files_indexed;
  logging::pacs()->warn("reconcile: indexed a file that had no row path={} sop_instance={}",
                        relative, row.metadata.sop_instance_uid);
}

// Rows indexed before the current metadata extraction lack what it added (the Query/Retrieve
// keys of schema 4): read those attributes again from the files themselves.
void refreshStaleMetadata(FileStore& store, InstanceIndex& index, ReconcileReport& report) {
  const auto stale = index.rowsWithMetadataBefore(kMetadataVersion);
  for (const auto& row : stale) {
    const MetadataResult parsed = readInstanceMetadata(store.absolute(row.storage_path));
    if (!parsed.metadata || parsed.metadata->sop_instance_uid != row.sop_instance_uid) {
      ++report.metadata_unreadable;
      logging::pacs()->warn(
          "reconcile: cannot re-read metadata path={} sop_instance={} reason=\"{}\"",
          row.storage_path, row.sop_instance_uid,
          parsed.metadata ? "the file holds another SOP Instance UID" : parsed.error);
      continue;
    }
    index.updateMetadata(row.sop_instance_uid, *parsed.metadata);
    ++report.metadata_refreshed;
  }
  if (!stale.empty()) {
    logging::pacs()->info("reconcile: metadata re-read rows={} unreadable={} metadata_version={}",
                          report.metadata_refreshed, report.metadata_unreadable, kMetadataVersion);
  }
}

}  // namespace

ReconcileReport reconcileStorage(FileStore& store, InstanceIndex& index,
                                 const ForwardRouting& routing) {
  ReconcileReport report;
  report.temporary_files_removed = store.removeLeftoverTemps();

  store.forEachFile([&](const std::string& relative) {
    if (!isStoragePathShape(relative)) {
      ++report.foreign_files;
      logging::pacs()->warn("reconcile: foreign file left in place path={}", relative);
      return;
    }
    if (!index.findByPath(relative)) indexUnknownFile(store, index, relative, routing, report);
  });

  struct RowState {
    std::string uid;
    std::string path;
    std::string status;
  };
  std::vector<RowState> rows;
  index.forEach([&rows](const StoredInstance& row) {
    rows.push_back({row.metadata.sop_instance_uid, row.storage_path, row.status});
  });
  std::error_code ec;
  for (const auto& row : rows) {
    const bool present = fs::is_regular_file(store.absolute(row.path), ec);
    if (row.status == "PURGED") {
      // Retention marks the row first, then removes the file: finish what a stop interrupted.
      if (present) {
        store.remove(row.path);
        logging::pacs()->warn("reconcile: purged instance's file removed path={}", row.path);
      }
      continue;
    }
    if (!present && row.status != "MISSING") {
      index.setStatus(row.uid, "MISSING");
      ++report.rows_missing;
      logging::pacs()->error("reconcile: indexed file is missing path={} sop_instance={}", row.path,
                             row.uid);
    } else if (present && row.status == "MISSING") {
      index.setStatus(row.uid, "STORED");
      ++report.rows_restored;
    }
  }
  refreshStaleMetadata(store, index, report);
  logging::pacs()->info(
      "reconcile done temporary_removed={} indexed={} missing={} restored={} foreign={} "
      "metadata_refreshed={}",
      report.temporary_files_removed, report.files_indexed, report.rows_missing,
      report.rows_restored, report.foreign_files, report.metadata_refreshed);
  return report;
}

}  // namespace gateway::pacs
