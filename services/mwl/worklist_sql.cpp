#include "services/mwl/worklist_sql.h"

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include "services/mwl/worklist_store.h"

namespace gateway::mwl::worklist_sql {
namespace {

// Column lists come from the field table (our constants), never from input.
std::string columnList(bool writable_only) {
  std::string out;
  for (const auto& f : worklistFields()) {
    if (writable_only && !f.writable) continue;
    out += (out.empty() ? "" : ", ") + std::string(f.name);
  }
  return out;
}

WorklistItem itemFrom(SQLite::Statement& s) {
  WorklistItem item;
  int column = 0;
  for (const auto& f : worklistFields()) {
    item.*(f.member) = s.isColumnNull(column) ? std::string() : s.getColumn(column).getString();
    ++column;
  }
  return item;
}

std::string textAt(SQLite::Statement& s, int column) {
  return s.isColumnNull(column) ? std::string() : s.getColumn(column).getString();
}

void bindNullable(SQLite::Statement& s, int index, const std::string& value) {
  if (value.empty()) {
    s.bind(index);
  } else {
    s.bind(index, value);
  }
}

void bindBlob(SQLite::Statement& s, int index, const std::string& bytes) {
  s.bind(index, bytes.data(), static_cast<int>(bytes.size()));
}

constexpr const char* kStepColumns =
    "sop_instance_uid, status, accession_number, scheduled_step_id, study_instance_uid, "
    "patient_id, performed_station_aet, performed_step_id, start_date, start_time, end_date, "
    "end_time, discontinuation_reason, calling_aet, linked_accession, link_rule, attributes, "
    "created_at, updated_at";

PerformedStep stepFrom(SQLite::Statement& s) {
  PerformedStep step;
  step.sop_instance_uid = textAt(s, 0);
  step.status = textAt(s, 1);
  step.accession_number = textAt(s, 2);
  step.scheduled_step_id = textAt(s, 3);
  step.study_instance_uid = textAt(s, 4);
  step.patient_id = textAt(s, 5);
  step.performed_station_aet = textAt(s, 6);
  step.performed_step_id = textAt(s, 7);
  step.start_date = textAt(s, 8);
  step.start_time = textAt(s, 9);
  step.end_date = textAt(s, 10);
  step.end_time = textAt(s, 11);
  step.discontinuation_reason = textAt(s, 12);
  step.calling_aet = textAt(s, 13);
  step.linked_accession = textAt(s, 14);
  step.link_rule = textAt(s, 15);
  const auto blob = s.getColumn(16);
  step.attributes.assign(static_cast<const char*>(blob.getBlob()),
                         static_cast<std::size_t>(blob.getBytes()));
  step.created_at = textAt(s, 17);
  step.updated_at = textAt(s, 18);
  return step;
}

}  // namespace

std::optional<WorklistItem> selectItem(SQLite::Database& db, const std::string& accession) {
  SQLite::Statement s(
      db, "SELECT " + columnList(false) + " FROM worklist_items WHERE accession_number = ?");
  s.bind(1, accession);
  if (!s.executeStep()) return std::nullopt;
  return itemFrom(s);
}

std::optional<std::string> selectItemStatus(SQLite::Database& db, const std::string& accession) {
  SQLite::Statement s(db, "SELECT status FROM worklist_items WHERE accession_number = ?");
  s.bind(1, accession);
  if (!s.executeStep()) return std::nullopt;
  return s.getColumn(0).getString();
}

std::vector<WorklistItem> selectCandidates(SQLite::Database& db, const CandidateFilter& filter) {
  std::string where;
  std::vector<std::string> values;
  auto add = [&](const char* condition, const std::string& value) {
    if (value.empty()) return;
    where += (where.empty() ? " WHERE " : " AND ") + std::string(condition);
    values.push_back(value);
  };
  add("scheduled_date >= ?", filter.date_from);
  add("scheduled_date <= ?", filter.date_to);
  add("modality = ?", filter.modality);
  add("patient_id = ?", filter.patient_id);
  add("accession_number = ?", filter.accession_number);
  add("scheduled_station_aet = ?", filter.station_aet);
  if (!filter.statuses.empty()) {
    std::string in;
    for (const auto& status : filter.statuses) {
      in += in.empty() ? "?" : ",?";
      values.push_back(status);
    }
    where += (where.empty() ? " WHERE " : " AND ") + std::string("status IN (") + in + ")";
  }
  SQLite::Statement s(db, "SELECT " + columnList(false) + " FROM worklist_items" + where +
                              " ORDER BY scheduled_date, scheduled_time, accession_number");
  for (std::size_t i = 0; i < values.size(); ++i) s.bind(static_cast<int>(i + 1), values[i]);
  std::vector<WorklistItem> items;
  while (s.executeStep()) items.push_back(itemFrom(s));
  return items;
}

std::int64_t countItems(SQLite::Database& db) {
  return db.execAndGet("SELECT COUNT(*) FROM worklist_items").getInt64();
}

void insertItem(SQLite::Database& db, const WorklistItem& item, bool replace) {
  std::string placeholders;
  std::string updates;
  for (const auto& f : worklistFields()) {
    if (!f.writable) continue;
    placeholders += placeholders.empty() ? "?" : ",?";
    if (std::string(f.name) != "accession_number") {
      updates += (updates.empty() ? "" : ", ") + std::string(f.name) + "=excluded." + f.name;
    }
  }
  std::string sql =
      "INSERT INTO worklist_items (" + columnList(true) + ") VALUES (" + placeholders + ")";
  if (replace) {
    // A replaced item keeps its created_at (and its MPPS link).
    sql += " ON CONFLICT(accession_number) DO UPDATE SET " + updates +
           ", updated_at=CURRENT_TIMESTAMP";
  }
  SQLite::Statement s(db, sql);
  int index = 1;
  for (const auto& f : worklistFields()) {
    if (!f.writable) continue;
    bindNullable(s, index++, item.*(f.member));
  }
  try {
    s.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY) {
      throw DuplicateAccessionError(item.accession_number);
    }
    throw;
  }
}

bool deleteItem(SQLite::Database& db, const std::string& accession) {
  SQLite::Statement s(db, "DELETE FROM worklist_items WHERE accession_number = ?");
  s.bind(1, accession);
  return s.exec() > 0;
}

void updateItemMpps(SQLite::Database& db, const std::string& accession,
                    const std::string& mpps_instance_uid) {
  SQLite::Statement s(db,
                      "UPDATE worklist_items SET mpps_instance_uid = ?, "
                      "updated_at = CURRENT_TIMESTAMP WHERE accession_number = ?");
  s.bind(1, mpps_instance_uid);
  s.bind(2, accession);
  s.exec();
}

void updateItemStatus(SQLite::Database& db, const std::string& accession,
                      const std::string& status) {
  SQLite::Statement s(db,
                      "UPDATE worklist_items SET status = ?, updated_at = CURRENT_TIMESTAMP "
                      "WHERE accession_number = ?");
  s.bind(1, status);
  s.bind(2, accession);
  s.exec();
}

void insertStatusChange(SQLite::Database& db, const std::string& accession,
                        const std::string& from_status, const std::string& to_status,
                        const std::string& cause) {
  SQLite::Statement s(db,
                      "INSERT INTO worklist_status_history (accession_number, from_status, "
                      "to_status, cause) VALUES (?, ?, ?, ?)");
  s.bind(1, accession);
  s.bind(2, from_status);
  s.bind(3, to_status);
  s.bind(4, cause);
  s.exec();
}

std::vector<StatusChange> selectStatusHistory(SQLite::Database& db, const std::string& accession) {
  SQLite::Statement s(db,
                      "SELECT id, accession_number, from_status, to_status, cause, changed_at "
                      "FROM worklist_status_history WHERE accession_number = ? ORDER BY id");
  s.bind(1, accession);
  std::vector<StatusChange> changes;
  while (s.executeStep()) {
    changes.push_back({s.getColumn(0).getInt64(), textAt(s, 1), textAt(s, 2), textAt(s, 3),
                       textAt(s, 4), textAt(s, 5)});
  }
  return changes;
}

std::optional<PerformedStep> selectStep(SQLite::Database& db, const std::string& sop_instance_uid) {
  SQLite::Statement s(db, std::string("SELECT ") + kStepColumns +
                              " FROM performed_procedure_steps WHERE sop_instance_uid = ?");
  s.bind(1, sop_instance_uid);
  if (!s.executeStep()) return std::nullopt;
  return stepFrom(s);
}

void insertStep(SQLite::Database& db, const PerformedStep& step) {
  SQLite::Statement s(
      db,
      "INSERT INTO performed_procedure_steps (sop_instance_uid, status, accession_number, "
      "scheduled_step_id, study_instance_uid, patient_id, performed_station_aet, "
      "performed_step_id, start_date, start_time, calling_aet, linked_accession, link_rule, "
      "attributes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, step.sop_instance_uid);
  s.bind(2, step.status);
  s.bind(3, step.accession_number);
  s.bind(4, step.scheduled_step_id);
  s.bind(5, step.study_instance_uid);
  s.bind(6, step.patient_id);
  s.bind(7, step.performed_station_aet);
  s.bind(8, step.performed_step_id);
  s.bind(9, step.start_date);
  s.bind(10, step.start_time);
  s.bind(11, step.calling_aet);
  bindNullable(s, 12, step.linked_accession);
  s.bind(13, step.link_rule);
  bindBlob(s, 14, step.attributes);
  s.exec();
}

void updateStep(SQLite::Database& db, const PerformedStep& step) {
  SQLite::Statement s(
      db,
      "UPDATE performed_procedure_steps SET status = ?, end_date = ?, end_time = ?, "
      "discontinuation_reason = ?, attributes = ?, updated_at = CURRENT_TIMESTAMP "
      "WHERE sop_instance_uid = ?");
  s.bind(1, step.status);
  s.bind(2, step.end_date);
  s.bind(3, step.end_time);
  s.bind(4, step.discontinuation_reason);
  bindBlob(s, 5, step.attributes);
  s.bind(6, step.sop_instance_uid);
  s.exec();
}

ClearedRows deleteAll(SQLite::Database& db) {
  ClearedRows cleared;
  cleared.items = db.exec("DELETE FROM worklist_items");
  cleared.steps = db.exec("DELETE FROM performed_procedure_steps");
  cleared.history = db.exec("DELETE FROM worklist_status_history");
  return cleared;
}

std::int64_t dataVersion(SQLite::Database& db) {
  return db.execAndGet("PRAGMA data_version").getInt64();
}

}  // namespace gateway::mwl::worklist_sql
