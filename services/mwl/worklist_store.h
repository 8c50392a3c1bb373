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
#include "common/db/statement_cache.h"
#include "services/mwl/worklist_item.h"
#include "services/mwl/worklist_records.h"
#include "services/mwl/worklist_reset_session.h"
#include "services/mwl/worklist_transaction.h"

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

// The worklist database (worklist_items, performed_procedure_steps,
// worklist_status_history) and the only code with SQL for it. It hands out units of work,
// never its connection: a write transaction with named operations (beginWrite), the
// daily reset's session (beginResetSession), and named reads, each one statement.
//
// Thread-safe: one connection behind a mutex, held by each read and for the whole life of
// a transaction or session. Used by the worklist SCP's workers, the PACS link and, from
// another process, by the `worklist` commands (WAL, busy timeout).
class WorklistStore {
 public:
  explicit WorklistStore(const std::filesystem::path& db_path);
  ~WorklistStore();

  // Units of work. A thread must not start a second one while it holds the first.
  WorklistTransaction beginWrite();
  WorklistResetSession beginResetSession();

  // Reads.
  std::optional<WorklistItem> find(const std::string& accession_number);
  std::optional<std::string> itemStatus(const std::string& accession_number);
  std::vector<WorklistItem> list(const ListFilter& filter);
  std::vector<WorklistItem> candidates(const CandidateFilter& filter);
  std::int64_t count();
  std::optional<PerformedStep> findStep(const std::string& sop_instance_uid);
  // The item's status changes, oldest first.
  std::vector<StatusChange> statusHistory(const std::string& accession_number);

  // Removes one item (its steps and history stay until the daily reset).
  bool remove(const std::string& accession_number);

  // A real write (health_probe, one row) in its own transaction; throws when the database
  // cannot be written.
  void proveWritable(const std::string& writer);

 private:
  std::mutex mutex_;
  std::unique_ptr<SQLite::Database> db_;
  db::StatementCache statements_{*db_};  // the queries' statements, kept prepared
};

}  // namespace gateway::mwl
