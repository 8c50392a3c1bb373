#include "services/pacs/instance_index.h"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace gateway::pacs {
namespace {

// The metadata columns of stored_instances, declared once: SELECT, INSERT, UPDATE and the
// Query/Retrieve filters are all derived from this list.
struct MetadataColumn {
  const char* name;
  std::string InstanceMetadata::*member;
};
constexpr MetadataColumn kMetadataColumns[] = {
    {"patient_id", &InstanceMetadata::patient_id},
    {"patient_name", &InstanceMetadata::patient_name},
    {"accession_number", &InstanceMetadata::accession_number},
    {"sop_class_uid", &InstanceMetadata::sop_class_uid},
    {"study_instance_uid", &InstanceMetadata::study_instance_uid},
    {"series_instance_uid", &InstanceMetadata::series_instance_uid},
    {"transfer_syntax_uid", &InstanceMetadata::transfer_syntax_uid},
    {"modality", &InstanceMetadata::modality},
    {"study_date", &InstanceMetadata::study_date},
    {"series_number", &InstanceMetadata::series_number},
    {"instance_number", &InstanceMetadata::instance_number},
    {"image_laterality", &InstanceMetadata::image_laterality},
    {"view_position", &InstanceMetadata::view_position},
    {"patient_birth_date", &InstanceMetadata::patient_birth_date},
    {"patient_sex", &InstanceMetadata::patient_sex},
    {"study_time", &InstanceMetadata::study_time},
    {"study_id", &InstanceMetadata::study_id},
    {"study_description", &InstanceMetadata::study_description},
    {"referring_physician_name", &InstanceMetadata::referring_physician_name},
    {"series_description", &InstanceMetadata::series_description},
    {"series_date", &InstanceMetadata::series_date},
    {"series_time", &InstanceMetadata::series_time},
    {"body_part_examined", &InstanceMetadata::body_part_examined},
    {"content_date", &InstanceMetadata::content_date},
    {"content_time", &InstanceMetadata::content_time},
    {"view_code", &InstanceMetadata::view_code},
    {"view_modifiers", &InstanceMetadata::view_modifiers},
};

// The row's own columns come first, in this order, then the metadata columns.
constexpr const char* kRowColumns[] = {
    "sop_instance_uid", "storage_path", "file_size",          "storage_hash", "source_aet",
    "status",           "created_at",   "worklist_accession", "flags",        "metadata_version"};
constexpr int kFirstMetadataColumn = static_cast<int>(std::size(kRowColumns));

std::string joined(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

std::vector<std::string> metadataNames() {
  std::vector<std::string> names;
  for (const auto& c : kMetadataColumns) names.emplace_back(c.name);
  return names;
}

const std::string& selectList() {
  static const std::string kList = [] {
    std::vector<std::string> names(std::begin(kRowColumns), std::end(kRowColumns));
    for (const auto& n : metadataNames()) names.push_back(n);
    return joined(names, ", ");
  }();
  return kList;
}

std::string text(SQLite::Statement& s, int column) {
  return s.isColumnNull(column) ? std::string() : s.getColumn(column).getString();
}

StoredInstance rowFrom(SQLite::Statement& s) {
  StoredInstance r;
  r.metadata.sop_instance_uid = text(s, 0);
  r.storage_path = text(s, 1);
  r.file_size = s.getColumn(2).getInt64();
  r.storage_hash = text(s, 3);
  r.source_aet = text(s, 4);
  r.status = text(s, 5);
  r.created_at = text(s, 6);
  r.worklist_accession = text(s, 7);
  r.flags = text(s, 8);
  r.metadata_version = s.getColumn(9).getInt();
  int column = kFirstMetadataColumn;
  for (const auto& c : kMetadataColumns) r.metadata.*(c.member) = text(s, column++);
  return r;
}

// Empty strings become NULL, so "not sent" reads as NULL in SQL, as in the seed.
void bindText(SQLite::Statement& s, int index, const std::string& value) {
  if (value.empty()) {
    s.bind(index);
  } else {
    s.bind(index, value);
  }
}

// Binds the metadata columns from `index` on; returns the next free index.
int bindMetadata(SQLite::Statement& s, int index, const InstanceMetadata& m) {
  for (const auto& c : kMetadataColumns) bindText(s, index++, m.*(c.member));
  return index;
}

// The columns a Query/Retrieve filter may name: the metadata columns and the key.
bool isMetadataColumn(const std::string& name) {
  if (name == "sop_instance_uid") return true;
  for (const auto& c : kMetadataColumns) {
    if (name == c.name) return true;
  }
  return false;
}

const std::string& upsertSql() {
  static const std::string kSql = [] {
    std::vector<std::string> names = {"sop_instance_uid",   "storage_path", "file_size",
                                      "storage_hash",       "source_aet",   "status",
                                      "worklist_accession", "flags",        "metadata_version"};
    for (const auto& n : metadataNames()) names.push_back(n);
    std::vector<std::string> marks(names.size(), "?");
    std::vector<std::string> updates;
    for (std::size_t i = 1; i < names.size(); ++i) {
      updates.push_back(names[i] + "=excluded." + names[i]);
    }
    return "INSERT INTO stored_instances (" + joined(names, ", ") + ") VALUES (" +
           joined(marks, ",") + ") ON CONFLICT(sop_instance_uid) DO UPDATE SET " +
           joined(updates, ", ") + ", updated_at=CURRENT_TIMESTAMP";
  }();
  return kSql;
}

}  // namespace

const char* metadataColumn(std::string InstanceMetadata::*member) {
  if (member == &InstanceMetadata::sop_instance_uid) return "sop_instance_uid";
  for (const auto& c : kMetadataColumns) {
    if (c.member == member) return c.name;
  }
  return nullptr;
}

InstanceIndex::InstanceIndex(const std::filesystem::path& db_path, db::Durability durability)
    : db_(db::openDatabase(db_path, pacsMigrations(), {.durability = durability})),
      // After the writer: the schema is current and the WAL files exist.
      reader_(db::openDatabase(db_path, pacsMigrations(), {.read_only = true})) {}

std::optional<StoredInstance> InstanceIndex::findOne(const char* where, const std::string& key) {
  std::lock_guard lock(mutex_);
  SQLite::Statement& s =
      writer_statements_.get("SELECT " + selectList() + " FROM stored_instances " + where);
  s.bind(1, key);
  if (!s.executeStep()) return std::nullopt;
  StoredInstance row = rowFrom(s);
  s.reset();  // a statement left on a row would hold its read snapshot open
  return row;
}

std::optional<StoredInstance> InstanceIndex::findByUid(const std::string& uid) {
  return findOne("WHERE sop_instance_uid = ?", uid);
}

std::optional<StoredInstance> InstanceIndex::findByPath(const std::string& path) {
  return findOne("WHERE storage_path = ?", path);
}

void InstanceIndex::upsert(const StoredInstance& r, const std::vector<std::string>& destinations,
                           bool requeue) {
  std::lock_guard lock(mutex_);
  auto transaction = db::beginImmediate(*db_);
  SQLite::Statement& s = writer_statements_.get(upsertSql());
  s.bind(1, r.metadata.sop_instance_uid);
  s.bind(2, r.storage_path);
  s.bind(3, static_cast<std::int64_t>(r.file_size));
  s.bind(4, r.storage_hash);
  bindText(s, 5, r.source_aet);
  s.bind(6, r.status);
  bindText(s, 7, r.worklist_accession);
  bindText(s, 8, r.flags);
  s.bind(9, r.metadata_version);
  bindMetadata(s, 10, r.metadata);
  s.exec();
  if (!destinations.empty()) {
    SQLite::Statement& queue = writer_statements_.get(
        requeue ? "INSERT INTO forward_queue (sop_instance_uid, destination) VALUES (?, ?) "
                  "ON CONFLICT (sop_instance_uid, destination) DO UPDATE SET "
                  "state = 'PENDING', attempts = 0, last_error = NULL, "
                  "next_attempt_at = 0, sent_at = NULL, queued_at = CURRENT_TIMESTAMP"
                : "INSERT INTO forward_queue (sop_instance_uid, destination) VALUES (?, ?) "
                  "ON CONFLICT (sop_instance_uid, destination) DO NOTHING");
    for (const auto& destination : destinations) {
      queue.bind(1, r.metadata.sop_instance_uid);
      queue.bind(2, destination);
      queue.exec();
      queue.reset();
    }
  }
  transaction.commit();
}

void InstanceIndex::remove(const std::string& uid) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_, "DELETE FROM stored_instances WHERE sop_instance_uid = ?");
  s.bind(1, uid);
  s.exec();
}

void InstanceIndex::setStatus(const std::string& uid, const std::string& status) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_,
                      "UPDATE stored_instances SET status = ?, updated_at = CURRENT_TIMESTAMP "
                      "WHERE sop_instance_uid = ?");
  s.bind(1, status);
  s.bind(2, uid);
  s.exec();
}

std::int64_t InstanceIndex::count() {
  std::lock_guard lock(mutex_);
  return db_->execAndGet("SELECT COUNT(*) FROM stored_instances").getInt64();
}

void InstanceIndex::addQuarantined(const QuarantinedInstance& r) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(
      *db_,
      "INSERT OR IGNORE INTO quarantined_instances (sop_instance_uid, quarantine_path, "
      "file_size, storage_hash, held_hash, source_aet, reason) "
      "VALUES (?,?,?,?,?,?,?)");
  s.bind(1, r.sop_instance_uid);
  s.bind(2, r.quarantine_path);
  s.bind(3, r.file_size);
  s.bind(4, r.storage_hash);
  s.bind(5, r.held_hash);
  bindText(s, 6, r.source_aet);
  s.bind(7, r.reason);
  s.exec();
}

std::vector<QuarantinedInstance> InstanceIndex::quarantined() {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_,
                      "SELECT sop_instance_uid, quarantine_path, file_size, storage_hash, "
                      "held_hash, source_aet, reason, received_at FROM quarantined_instances "
                      "ORDER BY id");
  std::vector<QuarantinedInstance> rows;
  while (s.executeStep()) {
    QuarantinedInstance r;
    r.sop_instance_uid = text(s, 0);
    r.quarantine_path = text(s, 1);
    r.file_size = s.getColumn(2).getInt64();
    r.storage_hash = text(s, 3);
    r.held_hash = text(s, 4);
    r.source_aet = text(s, 5);
    r.reason = text(s, 6);
    r.received_at = text(s, 7);
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<StoredInstance> InstanceIndex::findMany(const std::string& where,
                                                    const std::vector<std::string>& keys) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_, "SELECT " + selectList() + " FROM stored_instances " + where);
  for (std::size_t i = 0; i < keys.size(); ++i) s.bind(static_cast<int>(i + 1), keys[i]);
  std::vector<StoredInstance> rows;
  while (s.executeStep()) rows.push_back(rowFrom(s));
  return rows;
}

std::vector<StoredInstance> InstanceIndex::findByAccession(const std::string& accession) {
  return findMany(
      "WHERE accession_number = ? ORDER BY created_at, CAST(instance_number AS INTEGER)",
      {accession});
}

std::vector<StoredInstance> InstanceIndex::findByStudy(const std::string& study_instance_uid) {
  return findMany(
      "WHERE study_instance_uid = ? ORDER BY created_at, CAST(instance_number AS INTEGER)",
      {study_instance_uid});
}

std::vector<StoredInstance> InstanceIndex::storedBetween(const std::string& from_utc,
                                                         const std::string& to_utc) {
  return findMany("WHERE created_at >= ? AND created_at < ? ORDER BY created_at",
                  {from_utc, to_utc});
}

std::vector<StoredInstance> InstanceIndex::unlinkedBetween(const std::string& from_utc,
                                                           const std::string& to_utc) {
  return findMany(
      "WHERE worklist_accession IS NULL AND created_at >= ? AND created_at < ? "
      "ORDER BY created_at",
      {from_utc, to_utc});
}

std::int64_t InstanceIndex::storedBytes() {
  std::lock_guard lock(mutex_);
  return db_
      ->execAndGet(
          "SELECT COALESCE(SUM(file_size), 0) FROM stored_instances WHERE status != 'PURGED'")
      .getInt64();
}

namespace {
constexpr const char* kForwardedEverywhere =
    "EXISTS (SELECT 1 FROM forward_queue q WHERE q.sop_instance_uid = "
    "stored_instances.sop_instance_uid) AND NOT EXISTS (SELECT 1 FROM forward_queue q WHERE "
    "q.sop_instance_uid = stored_instances.sop_instance_uid AND q.state != 'SENT')";
}  // namespace

std::vector<StoredInstance> InstanceIndex::forwardedBefore(const std::string& created_before_utc,
                                                           int limit) {
  return findMany(std::string("WHERE status = 'STORED' AND created_at < ? AND ") +
                      kForwardedEverywhere + " ORDER BY created_at, sop_instance_uid LIMIT " +
                      std::to_string(limit),
                  {created_before_utc});
}

std::int64_t InstanceIndex::unforwardedBefore(const std::string& created_before_utc) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_, std::string("SELECT COUNT(*) FROM stored_instances WHERE status = "
                                        "'STORED' AND created_at < ? AND NOT (") +
                                kForwardedEverywhere + ")");
  s.bind(1, created_before_utc);
  s.executeStep();
  return s.getColumn(0).getInt64();
}

bool InstanceIndex::markPurged(const std::string& uid) {
  std::lock_guard lock(mutex_);
  // The condition again, in the same statement: a row re-queued since it was planned (its
  // object replaced) is not purged.
  SQLite::Statement s(*db_,
                      std::string("UPDATE stored_instances SET status = 'PURGED', updated_at = "
                                  "CURRENT_TIMESTAMP WHERE sop_instance_uid = ? AND status = "
                                  "'STORED' AND ") +
                          kForwardedEverywhere);
  s.bind(1, uid);
  return s.exec() == 1;
}

std::int64_t InstanceIndex::purgedCount() {
  std::lock_guard lock(mutex_);
  return db_->execAndGet("SELECT COUNT(*) FROM stored_instances WHERE status = 'PURGED'")
      .getInt64();
}

void InstanceIndex::proveWritable(const std::string& writer) {
  std::lock_guard lock(mutex_);
  db::writeHealthProbe(*db_, writer);
}

void InstanceIndex::forEach(const std::function<void(const StoredInstance&)>& visit) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_,
                      "SELECT " + selectList() + " FROM stored_instances ORDER BY storage_path");
  while (s.executeStep()) visit(rowFrom(s));
}

void InstanceIndex::forEachStored(const InstanceFilter& filter,
                                  const std::function<bool(const StoredInstance&)>& visit) {
  std::string sql = "SELECT " + selectList() + " FROM stored_instances WHERE status = 'STORED'";
  std::vector<const std::string*> values;
  for (const auto& c : filter.one_of) {
    if (!isMetadataColumn(c.column)) throw std::invalid_argument("not a column: " + c.column);
    if (c.values.empty()) return;  // one of nothing: no row
    std::vector<std::string> marks(c.values.size(), "?");
    sql += " AND " + c.column + " IN (" + joined(marks, ",") + ")";
    for (const auto& v : c.values) values.push_back(&v);
  }
  for (const auto& c : filter.between) {
    if (!isMetadataColumn(c.column)) throw std::invalid_argument("not a column: " + c.column);
    if (!c.low.empty()) {
      sql += " AND " + c.column + " >= ?";
      values.push_back(&c.low);
    }
    if (!c.high.empty()) {
      sql += " AND " + c.column + " <= ?";
      values.push_back(&c.high);
    }
  }
  std::lock_guard lock(reader_mutex_);
  SQLite::Statement& s = reader_statements_.get(sql);
  // Reset when done, even when `visit` throws: an unfinished statement holds its read
  // transaction open, which keeps WAL checkpoints from completing.
  struct Reset {
    SQLite::Statement& statement;
    ~Reset() { statement.reset(); }
  } reset{s};
  int index = 1;
  for (const std::string* v : values) s.bind(index++, *v);
  while (s.executeStep()) {
    if (!visit(rowFrom(s))) break;
  }
}

RelatedCounts InstanceIndex::related(RelatedTo level, const std::string& key) {
  const char* column = level == RelatedTo::kPatient ? "patient_id"
                       : level == RelatedTo::kStudy ? "study_instance_uid"
                                                    : "series_instance_uid";
  // One statement for all five: modalities and SOP classes hold no comma (CS, UI).
  const std::string sql =
      std::string(
          "SELECT COUNT(DISTINCT study_instance_uid), "
          "COUNT(DISTINCT series_instance_uid), COUNT(*), "
          "GROUP_CONCAT(DISTINCT modality), GROUP_CONCAT(DISTINCT sop_class_uid) "
          "FROM stored_instances WHERE status = 'STORED' AND ") +
      column + " = ?";
  std::lock_guard lock(reader_mutex_);
  SQLite::Statement& s = reader_statements_.get(sql);
  s.bind(1, key);
  RelatedCounts counts;
  if (s.executeStep()) {
    counts.studies = s.getColumn(0).getInt64();
    counts.series = s.getColumn(1).getInt64();
    counts.instances = s.getColumn(2).getInt64();
    for (auto [column_index, out] :
         {std::pair{3, &counts.modalities}, std::pair{4, &counts.sop_classes}}) {
      const std::string list = text(s, column_index);
      std::size_t start = 0;
      while (start < list.size()) {
        const auto end = list.find(',', start);
        out->push_back(list.substr(start, end == std::string::npos ? end : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
      }
      std::sort(out->begin(), out->end());
    }
  }
  s.reset();
  return counts;
}

std::vector<StaleMetadataRow> InstanceIndex::rowsWithMetadataBefore(int version) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_,
                      "SELECT sop_instance_uid, storage_path FROM stored_instances "
                      "WHERE metadata_version < ? AND status = 'STORED' ORDER BY storage_path");
  s.bind(1, version);
  std::vector<StaleMetadataRow> rows;
  while (s.executeStep()) rows.push_back({text(s, 0), text(s, 1)});
  return rows;
}

void InstanceIndex::updateMetadata(const std::string& uid, const InstanceMetadata& m) {
  static const std::string kSql = [] {
    std::vector<std::string> sets;
    for (const auto& n : metadataNames()) sets.push_back(n + " = ?");
    return "UPDATE stored_instances SET " + joined(sets, ", ") +
           ", metadata_version = ?, updated_at = CURRENT_TIMESTAMP WHERE sop_instance_uid = ?";
  }();
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_, kSql);
  int index = bindMetadata(s, 1, m);
  s.bind(index++, kMetadataVersion);
  s.bind(index, uid);
  s.exec();
}

}  // namespace gateway::pacs
