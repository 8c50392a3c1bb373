#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/db/database.h"
#include "services/mwl/worklist_item.h"

namespace gateway::mwl {

const std::vector<db::Migration>& mwlMigrations();  // generated from schema/*.sql

class DuplicateAccessionError : public std::runtime_error {
 public:
  explicit DuplicateAccessionError(const std::string& accession)
      : std::runtime_error("accession number " + accession +
                           " is already on the worklist (use --replace to overwrite it)"),
        accession_(accession) {}
  const std::string& accession() const { return accession_; }

 private:
  std::string accession_;
};

struct ListFilter {
  std::string date_from;  // YYYYMMDD, inclusive; empty: open
  std::string date_to;
  std::vector<std::string> statuses;  // empty: all
};

// What the database can narrow cheaply with its indexes. Exact DICOM matching is the
// matcher's job; this only has to return a superset of the matches.
struct CandidateFilter {
  std::string date_from;  // YYYYMMDD inclusive; empty: open
  std::string date_to;
  std::string modality;  // exact; empty: any
  std::string patient_id;
  std::string accession_number;
  std::string station_aet;
  std::vector<std::string> statuses;  // empty: any
};

// The worklist database. Thread-safe (one connection behind a mutex). Used by the worklist
// SCP's workers and, from another process, by the `worklist` commands (WAL, busy timeout).
class WorklistStore {
 public:
  explicit WorklistStore(const std::filesystem::path& db_path);

  // Items must have passed validateAndComplete. Throws DuplicateAccessionError unless
  // `replace`; a replaced item keeps its created_at.
  void add(const WorklistItem& item, bool replace);
  // All in one transaction: every item or none. `progress`, when given, is called after
  // each item with the items inserted so far and their total.
  void addAll(const std::vector<WorklistItem>& items, bool replace,
              const std::function<void(std::uint64_t done, std::uint64_t total)>& progress = {});
  bool remove(const std::string& accession_number);
  std::optional<WorklistItem> find(const std::string& accession_number);
  std::vector<WorklistItem> list(const ListFilter& filter);
  std::vector<WorklistItem> candidates(const CandidateFilter& filter);
  std::int64_t count();

  SQLite::Database& database() { return *db_; }
  std::mutex& mutex() { return mutex_; }

 private:
  void insertLocked(const WorklistItem& item, bool replace);

  std::mutex mutex_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace gateway::mwl
