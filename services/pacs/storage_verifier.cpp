#include "services/pacs/storage_verifier.h"

#include <filesystem>
#include <set>

#include "common/json/json_writer.h"
#include "services/pacs/stored_file_inspector.h"

namespace gateway::pacs {
namespace {

namespace fs = std::filesystem;

}  // namespace

VerifyReport verifyStorage(FileStore& store, InstanceIndex& index,
                           const VerifyProgressCallback& progress) {
  VerifyReport report;
  std::vector<StoredInstance> rows;
  index.forEach([&rows, &report](const StoredInstance& row) {
    // Retention removed the file on purpose (every destination had it): nothing to check.
    if (row.status == "PURGED") {
      ++report.purged;
    } else {
      rows.push_back(row);
    }
  });
  VerifyProgress done;
  done.files_total = rows.size();
  for (const auto& row : rows) done.bytes_total += static_cast<std::uint64_t>(row.file_size);
  std::set<std::string> indexed_paths;
  for (const auto& row : rows) {
    if (progress) {
      progress(done);
      ++done.files_done;  // counted before the checks, which end the iteration early
      done.bytes_done += static_cast<std::uint64_t>(row.file_size);
    }
    ++report.rows_checked;
    indexed_paths.insert(row.storage_path);
    const auto path = store.absolute(row.storage_path);
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      report.problems.push_back(
          {"missing", row.storage_path, row.metadata.sop_instance_uid, "file not found"});
      continue;
    }
    // One read: the hash, and whether a reader can still parse the object.
    const StoredFileInspection file = inspectStoredFile(path);
    if (!file.readable) {
      report.problems.push_back({"missing", row.storage_path, row.metadata.sop_instance_uid,
                                 "file cannot be read: " + file.error});
      continue;
    }
    const auto size = static_cast<std::int64_t>(file.size);
    report.bytes_hashed += file.size;
    if (file.sha256 != row.storage_hash) {
      report.problems.push_back({"corrupt", row.storage_path, row.metadata.sop_instance_uid,
                                 "sha256 " + file.sha256 + " != indexed " + row.storage_hash});
    } else if (size != row.file_size) {
      report.problems.push_back(
          {"size_mismatch", row.storage_path, row.metadata.sop_instance_uid,
           std::to_string(size) + " bytes != indexed " + std::to_string(row.file_size)});
    } else if (!file.structure_error.empty()) {
      report.problems.push_back(
          {"unreadable", row.storage_path, row.metadata.sop_instance_uid, file.structure_error});
    } else {
      ++report.files_ok;
    }
    if (!row.flags.empty()) report.flagged.push_back({row.metadata.sop_instance_uid, row.flags});
  }
  report.quarantined = index.quarantined().size();
  if (progress) progress(done);
  store.forEachFile([&](const std::string& relative) {
    if (indexed_paths.count(relative) == 0) {
      report.problems.push_back({"orphan", relative, "", "file has no index row"});
    }
  });
  return report;
}

std::string toJson(const VerifyReport& report) {
  json::Json flagged = json::Json::array();
  for (const auto& f : report.flagged) {
    flagged.push_back({{"sop_instance_uid", f.sop_instance_uid}, {"flags", f.flags}});
  }
  json::Json problems = json::Json::array();
  for (const auto& p : report.problems) {
    problems.push_back({{"kind", p.kind},
                        {"storage_path", p.storage_path},
                        {"sop_instance_uid", p.sop_instance_uid},
                        {"detail", p.detail}});
  }
  const json::Json out = {{"ok", report.ok()},
                          {"rows_checked", report.rows_checked},
                          {"files_ok", report.files_ok},
                          {"bytes_hashed", report.bytes_hashed},
                          {"problems", std::move(problems)},
                          {"flagged", std::move(flagged)},
                          {"quarantined", report.quarantined},
                          {"purged", report.purged}};
  return json::toJsonLine(out) + "\n";
}

std::string toText(const VerifyReport& report) {
  std::string out;
  for (const auto& p : report.problems) {
    out += p.kind + "\t" + p.storage_path + "\t" +
           (p.sop_instance_uid.empty() ? "-" : p.sop_instance_uid) + "\t" + p.detail + "\n";
  }
  for (const auto& f : report.flagged)
    out += "flagged\t" + f.sop_instance_uid + "\t" + f.flags + "\n";
  out += "checked " + std::to_string(report.rows_checked) + " indexed files, " +
         std::to_string(report.files_ok) + " ok, " + std::to_string(report.problems.size()) +
         " problem(s)\n";
  if (!report.flagged.empty()) {
    out += std::to_string(report.flagged.size()) +
           " stored instance(s) flagged (kept, but missing what a screening service needs)\n";
  }
  if (report.quarantined > 0) {
    out += std::to_string(report.quarantined) +
           " differing second copies kept in .quarantine (see quarantined_instances)\n";
  }
  if (report.purged > 0) {
    out += std::to_string(report.purged) +
           " instance(s) purged by retention (forwarded everywhere; no file kept)\n";
  }
  return out;
}

}  // namespace gateway::pacs
