#include "services/pacs/storage_verifier.h"

#include <filesystem>
#include <set>

#include "services/pacs/storage_path.h"

namespace gateway::pacs {
namespace {

namespace fs = std::filesystem;

std::string jsonString(const std::string& value) {
  std::string out = "\"";
  for (const char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace

VerifyReport verifyStorage(FileStore& store, InstanceIndex& index,
                           const VerifyProgressCallback& progress) {
  VerifyReport report;
  std::vector<StoredInstance> rows;
  index.forEach([&rows](const StoredInstance& row) { rows.push_back(row); });
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
    const auto size = static_cast<std::int64_t>(fs::file_size(path, ec));
    const auto hash = sha256OfFile(path);
    if (!hash) {
      report.problems.push_back(
          {"missing", row.storage_path, row.metadata.sop_instance_uid, "file cannot be read"});
      continue;
    }
    report.bytes_hashed += static_cast<std::uint64_t>(size);
    if (*hash != row.storage_hash) {
      report.problems.push_back({"corrupt", row.storage_path, row.metadata.sop_instance_uid,
                                 "sha256 " + *hash + " != indexed " + row.storage_hash});
    } else if (size != row.file_size) {
      report.problems.push_back(
          {"size_mismatch", row.storage_path, row.metadata.sop_instance_uid,
           std::to_string(size) + " bytes != indexed " + std::to_string(row.file_size)});
    } else {
      ++report.files_ok;
    }
  }
  if (progress) progress(done);
  store.forEachFile([&](const std::string& relative) {
    if (indexed_paths.count(relative) == 0) {
      report.problems.push_back({"orphan", relative, "", "file has no index row"});
    }
  });
  return report;
}

std::string toJson(const VerifyReport& report) {
  std::string out = "{\"ok\":" + std::string(report.ok() ? "true" : "false") +
                    ",\"rows_checked\":" + std::to_string(report.rows_checked) +
                    ",\"files_ok\":" + std::to_string(report.files_ok) +
                    ",\"bytes_hashed\":" + std::to_string(report.bytes_hashed) + ",\"problems\":[";
  for (std::size_t i = 0; i < report.problems.size(); ++i) {
    const auto& p = report.problems[i];
    out += (i ? "," : "") + std::string("{\"kind\":") + jsonString(p.kind) +
           ",\"storage_path\":" + jsonString(p.storage_path) +
           ",\"sop_instance_uid\":" + jsonString(p.sop_instance_uid) +
           ",\"detail\":" + jsonString(p.detail) + "}";
  }
  return out + "]}\n";
}

std::string toText(const VerifyReport& report) {
  std::string out;
  for (const auto& p : report.problems) {
    out += p.kind + "\t" + p.storage_path + "\t" +
           (p.sop_instance_uid.empty() ? "-" : p.sop_instance_uid) + "\t" + p.detail + "\n";
  }
  out += "checked " + std::to_string(report.rows_checked) + " indexed files, " +
         std::to_string(report.files_ok) + " ok, " + std::to_string(report.problems.size()) +
         " problem(s)\n";
  return out;
}

}  // namespace gateway::pacs
