#include "services/pacs/instance_index.h"

#include <SQLiteCpp/Statement.h>

namespace gateway::pacs {
namespace {

constexpr const char* kColumns =
    "sop_instance_uid, storage_path, file_size, storage_hash, patient_id, patient_name, "
    "accession_number, source_aet, status, created_at, sop_class_uid, study_instance_uid, "
    "series_instance_uid, transfer_syntax_uid, modality, study_date, series_number, "
    "instance_number, image_laterality, view_position, worklist_accession, flags, view_code, "
    "view_modifiers";

std::string text(SQLite::Statement& s, int column) {
  return s.isColumnNull(column) ? std::string() : s.getColumn(column).getString();
}

StoredInstance rowFrom(SQLite::Statement& s) {
  StoredInstance r;
  r.metadata.sop_instance_uid = text(s, 0);
  r.storage_path = text(s, 1);
  r.file_size = s.getColumn(2).getInt64();
  r.storage_hash = text(s, 3);
  r.metadata.patient_id = text(s, 4);
  r.metadata.patient_name = text(s, 5);
  r.metadata.accession_number = text(s, 6);
  r.source_aet = text(s, 7);
  r.status = text(s, 8);
  r.created_at = text(s, 9);
  r.metadata.sop_class_uid = text(s, 10);
  r.metadata.study_instance_uid = text(s, 11);
  r.metadata.series_instance_uid = text(s, 12);
  r.metadata.transfer_syntax_uid = text(s, 13);
  r.metadata.modality = text(s, 14);
  r.metadata.study_date = text(s, 15);
  r.metadata.series_number = text(s, 16);
  r.metadata.instance_number = text(s, 17);
  r.metadata.image_laterality = text(s, 18);
  r.metadata.view_position = text(s, 19);
  r.worklist_accession = text(s, 20);
  r.flags = text(s, 21);
  r.metadata.view_code = text(s, 22);
  r.metadata.view_modifiers = text(s, 23);
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

}  // namespace

InstanceIndex::InstanceIndex(const std::filesystem::path& db_path, db::Durability durability)
    : db_(db::openDatabase(db_path, pacsMigrations(), {.durability = durability})) {}

std::optional<StoredInstance> InstanceIndex::findOne(const char* where, const std::string& key) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_, std::string("SELECT ") + kColumns + " FROM stored_instances " + where);
  s.bind(1, key);
  if (!s.executeStep()) return std::nullopt;
  return rowFrom(s);
}

std::optional<StoredInstance> InstanceIndex::findByUid(const std::string& uid) {
  return findOne("WHERE sop_instance_uid = ?", uid);
}

std::optional<StoredInstance> InstanceIndex::findByPath(const std::string& path) {
  return findOne("WHERE storage_path = ?", path);
}

void InstanceIndex::upsert(const StoredInstance& r) {
  std::lock_guard lock(mutex_);
  auto transaction = db::beginImmediate(*db_);
  SQLite::Statement s(
      *db_,
      "INSERT INTO stored_instances (sop_instance_uid, storage_path, file_size, "
      "storage_hash, patient_id, patient_name, accession_number, source_aet, "
      "status, sop_class_uid, study_instance_uid, series_instance_uid, "
      "transfer_syntax_uid, modality, study_date, series_number, "
      "instance_number, image_laterality, view_position, worklist_accession, flags, "
      "view_code, view_modifiers) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT(sop_instance_uid) DO UPDATE SET "
      "storage_path=excluded.storage_path, file_size=excluded.file_size, "
      "storage_hash=excluded.storage_hash, patient_id=excluded.patient_id, "
      "patient_name=excluded.patient_name, "
      "accession_number=excluded.accession_number, "
      "source_aet=excluded.source_aet, status=excluded.status, "
      "sop_class_uid=excluded.sop_class_uid, "
      "study_instance_uid=excluded.study_instance_uid, "
      "series_instance_uid=excluded.series_instance_uid, "
      "transfer_syntax_uid=excluded.transfer_syntax_uid, "
      "modality=excluded.modality, study_date=excluded.study_date, "
      "series_number=excluded.series_number, "
      "instance_number=excluded.instance_number, "
      "image_laterality=excluded.image_laterality, "
      "view_position=excluded.view_position, "
      "worklist_accession=excluded.worklist_accession, flags=excluded.flags, "
      "view_code=excluded.view_code, view_modifiers=excluded.view_modifiers, "
      "updated_at=CURRENT_TIMESTAMP");
  const auto& m = r.metadata;
  s.bind(1, m.sop_instance_uid);
  s.bind(2, r.storage_path);
  s.bind(3, static_cast<std::int64_t>(r.file_size));
  s.bind(4, r.storage_hash);
  bindText(s, 5, m.patient_id);
  bindText(s, 6, m.patient_name);
  bindText(s, 7, m.accession_number);
  bindText(s, 8, r.source_aet);
  s.bind(9, r.status);
  bindText(s, 10, m.sop_class_uid);
  bindText(s, 11, m.study_instance_uid);
  bindText(s, 12, m.series_instance_uid);
  bindText(s, 13, m.transfer_syntax_uid);
  bindText(s, 14, m.modality);
  bindText(s, 15, m.study_date);
  bindText(s, 16, m.series_number);
  bindText(s, 17, m.instance_number);
  bindText(s, 18, m.image_laterality);
  bindText(s, 19, m.view_position);
  bindText(s, 20, r.worklist_accession);
  bindText(s, 21, r.flags);
  bindText(s, 22, m.view_code);
  bindText(s, 23, m.view_modifiers);
  s.exec();
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

std::vector<StoredInstance> InstanceIndex::forRetrieve(const RetrieveKeys& keys) {
  std::string where = " WHERE status = 'STORED'";
  std::vector<std::string> values;
  if (!keys.patient_id.empty()) {
    where += " AND patient_id = ?";
    values.push_back(keys.patient_id);
  }
  const auto in = [&](const char* column, const std::vector<std::string>& uids) {
    if (uids.empty()) return;
    where += std::string(" AND ") + column + " IN (";
    for (std::size_t i = 0; i < uids.size(); ++i) {
      where += i == 0 ? "?" : ",?";
      values.push_back(uids[i]);
    }
    where += ")";
  };
  in("study_instance_uid", keys.study_uids);
  in("series_instance_uid", keys.series_uids);
  in("sop_instance_uid", keys.instance_uids);
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_, std::string("SELECT ") + kColumns + " FROM stored_instances" + where +
                                " ORDER BY study_instance_uid, series_instance_uid, "
                                "CAST(instance_number AS INTEGER), sop_instance_uid");
  for (std::size_t i = 0; i < values.size(); ++i) s.bind(static_cast<int>(i + 1), values[i]);
  std::vector<StoredInstance> rows;
  while (s.executeStep()) rows.push_back(rowFrom(s));
  return rows;
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
  SQLite::Statement s(*db_, std::string("SELECT ") + kColumns + " FROM stored_instances " + where);
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
  return db_->execAndGet("SELECT COALESCE(SUM(file_size), 0) FROM stored_instances").getInt64();
}

void InstanceIndex::proveWritable(const std::string& writer) {
  std::lock_guard lock(mutex_);
  db::writeHealthProbe(*db_, writer);
}

void InstanceIndex::forEach(const std::function<void(const StoredInstance&)>& visit) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(
      *db_, std::string("SELECT ") + kColumns + " FROM stored_instances ORDER BY storage_path");
  while (s.executeStep()) visit(rowFrom(s));
}

}  // namespace gateway::pacs
