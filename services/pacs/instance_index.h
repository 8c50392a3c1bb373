#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/db/database.h"
#include "common/db/statement_cache.h"
#include "services/pacs/instance_metadata.h"

namespace gateway::pacs {

const std::vector<db::Migration>& pacsMigrations();  // generated from schema/*.sql

// One row of stored_instances.
struct StoredInstance {
  InstanceMetadata metadata;
  std::string storage_path;  // relative to the storage root
  std::int64_t file_size = 0;
  std::string storage_hash;
  std::string source_aet;
  std::string status = "STORED";
  std::string created_at;
  std::string worklist_accession;           // the worklist item it belongs to, if known
  std::string flags;                        // receive_validation.h flagsFor: kept but noteworthy
  int metadata_version = kMetadataVersion;  // the extraction `metadata` came from
};

// What the index can narrow a Query/Retrieve search with (a superset of the matches: the
// caller's matcher decides). Columns are named by the metadata column list of the index
// (metadataColumn); values are always bound, never part of the SQL.
struct InstanceFilter {
  struct OneOf {  // column = one of values (one value: equality)
    std::string column;
    std::vector<std::string> values;
  };
  struct Between {  // low <= column <= high; an empty bound is open
    std::string column;
    std::string low;
    std::string high;
  };
  std::vector<OneOf> one_of;
  std::vector<Between> between;
};

// The metadata column of stored_instances that holds `member`, e.g. "study_date" for
// &InstanceMetadata::study_date; null for a member with no column.
const char* metadataColumn(std::string InstanceMetadata::*member);

// Aggregates over the STORED instances of one patient, study or series.
enum class RelatedTo { kPatient, kStudy, kSeries };
struct RelatedCounts {
  std::int64_t studies = 0;
  std::int64_t series = 0;
  std::int64_t instances = 0;
  std::vector<std::string> modalities;   // distinct, sorted
  std::vector<std::string> sop_classes;  // distinct, sorted
};

// A row whose metadata came from an older extraction (start-up re-reads its file).
struct StaleMetadataRow {
  std::string sop_instance_uid;
  std::string storage_path;
};

// A second, different copy of an instance already held (quarantined_instances).
struct QuarantinedInstance {
  std::string sop_instance_uid;
  std::string quarantine_path;  // relative to the storage root
  std::int64_t file_size = 0;
  std::string storage_hash;
  std::string held_hash;
  std::string source_aet;
  std::string reason;
  std::string received_at;
};

// The SQLite index of the file store. One connection guarded by a mutex: writes are
// serialised by SQLite anyway, and each method is one short statement or transaction.
// Safe to call from every worker thread.
class InstanceIndex {
 public:
  // kNormal by default: a commit survives a crash of the process, and after a power loss
  // start-up reconciliation re-indexes any fsynced file whose row was lost (ADR 0004).
  explicit InstanceIndex(const std::filesystem::path& db_path,
                         db::Durability durability = db::Durability::kNormal);

  std::optional<StoredInstance> findByUid(const std::string& sop_instance_uid);
  std::optional<StoredInstance> findByPath(const std::string& storage_path);
  // Inserts a new row, or replaces the row of the same SOP Instance UID (keeping its
  // created_at, bumping updated_at). In the same transaction, queues the instance for each
  // forwarding destination named (ADR 0019): a new (instance, destination) pair as PENDING;
  // one already queued is left as it is, unless `requeue` (a replaced object: its new bytes
  // go out again).
  void upsert(const StoredInstance& row, const std::vector<std::string>& destinations = {},
              bool requeue = false);
  void remove(const std::string& sop_instance_uid);
  void setStatus(const std::string& sop_instance_uid, const std::string& status);
  std::int64_t count();
  void addQuarantined(const QuarantinedInstance& row);
  std::vector<QuarantinedInstance> quarantined();
  // Calls `visit` for every row, in storage_path order.
  void forEach(const std::function<void(const StoredInstance&)>& visit);

  // Query/Retrieve reads, on a read-only connection of their own so that a long search
  // never holds up the storage workers' writes (WAL: readers and the writer do not block).
  // Calls `visit` for every STORED row that satisfies `filter`, until it returns false.
  // `visit` runs under the reader's lock: it must not call the index.
  void forEachStored(const InstanceFilter& filter,
                     const std::function<bool(const StoredInstance&)>& visit);
  RelatedCounts related(RelatedTo level, const std::string& key);

  // STORED rows whose metadata_version is below `version`, and the update that raises one
  // to kMetadataVersion with the metadata read again from its file.
  std::vector<StaleMetadataRow> rowsWithMetadataBefore(int version);
  void updateMetadata(const std::string& sop_instance_uid, const InstanceMetadata& metadata);

  // The operator's window. Rows of one Accession Number (as the object says, linked to a
  // worklist item or not) or one study, in order of storage then instance number.
  std::vector<StoredInstance> findByAccession(const std::string& accession);
  std::vector<StoredInstance> findByStudy(const std::string& study_instance_uid);
  // Rows stored in [from, to): created_at values, UTC "YYYY-MM-DD HH:MM:SS" (the caller turns
  // the site's local day into that range, so a DST day has 23 or 25 hours).
  std::vector<StoredInstance> storedBetween(const std::string& from_utc, const std::string& to_utc);
  // ... of those, the rows not linked to a worklist item (worklist_accession NULL).
  std::vector<StoredInstance> unlinkedBetween(const std::string& from_utc,
                                              const std::string& to_utc);
  // Bytes of every indexed file still held (not PURGED).
  std::int64_t storedBytes();
  // Rows retention has purged.
  std::int64_t purgedCount();
  // Retention (ADR 0019): STORED rows created before `created_before_utc` that every
  // forwarding destination they were queued for has SENT (and at least one was), oldest
  // first, at most `limit`; and the purge of one (status PURGED; false if it was not STORED).
  std::vector<StoredInstance> forwardedBefore(const std::string& created_before_utc, int limit);
  bool markPurged(const std::string& sop_instance_uid);
  // STORED rows created before that are not (yet) forwarded everywhere: what retention keeps.
  std::int64_t unforwardedBefore(const std::string& created_before_utc);
  // A real write (health_probe, one row) in its own transaction: throws when the index
  // cannot be written (read-only file, full disk, lock held too long).
  void proveWritable(const std::string& writer);

 private:
  std::optional<StoredInstance> findOne(const char* sql, const std::string& key);
  std::vector<StoredInstance> findMany(const std::string& where,
                                       const std::vector<std::string>& keys);

  std::mutex mutex_;
  std::unique_ptr<SQLite::Database> db_;
  // The store path's statements, prepared once (guarded by mutex_).
  db::StatementCache writer_statements_{*db_};

  std::mutex reader_mutex_;
  std::unique_ptr<SQLite::Database> reader_;  // read-only, Query/Retrieve
  // Reused: a C-FIND runs a few per answer (guarded by reader_mutex_).
  db::StatementCache reader_statements_{*reader_};
};

}  // namespace gateway::pacs
