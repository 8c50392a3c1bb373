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

// `column` is one of our constants, never input.
void updateItemColumn(SQLite::Database& db, const char* column, const std::string& accession,
                      const std::string& value) {
  SQLite::Statement s(db, std::string("UPDATE worklist_items SET ") + column +
                              " = ?, updated_at = CURRENT_TIMESTAMP WHERE accession_number = ?");
  s.bind(1, value);
  s.bind(2, accession);
  s.exec();
}

// The columns of performed_procedure_steps, declared once: the SELECT, the N-CREATE insert
// and the N-SET update are derived from this table.
enum class StepValue { kText, kNullable, kBlob };
struct StepColumn {
  const char* name;
  std::string PerformedStep::*member;
  StepValue value;
  bool on_create;  // written by insertStep
  bool on_set;     // written by updateStep
};
const std::vector<StepColumn>& stepColumns() {
  using P = PerformedStep;
  using V = StepValue;
  static const std::vector<StepColumn> kColumns = {
      {"sop_instance_uid", &P::sop_instance_uid, V::kText, true, false},
      {"status", &P::status, V::kText, true, true},
      {"accession_number", &P::accession_number, V::kText, true, false},
      {"scheduled_step_id", &P::scheduled_step_id, V::kText, true, false},
      {"study_instance_uid", &P::study_instance_uid, V::kText, true, false},
      {"patient_id", &P::patient_id, V::kText, true, false},
      {"performed_station_aet", &P::performed_station_aet, V::kText, true, false},
      {"performed_step_id", &P::performed_step_id, V::kText, true, false},
      {"start_date", &P::start_date, V::kText, true, false},
      {"start_time", &P::start_time, V::kText, true, false},
      {"end_date", &P::end_date, V::kText, false, true},
      {"end_time", &P::end_time, V::kText, false, true},
      {"discontinuation_reason", &P::discontinuation_reason, V::kText, false, true},
      {"calling_aet", &P::calling_aet, V::kText, true, false},
      {"linked_accession", &P::linked_accession, V::kNullable, true, false},
      {"link_rule", &P::link_rule, V::kText, true, false},
      {"attributes", &P::attributes, V::kBlob, true, true},
      {"created_at", &P::created_at, V::kText, false, false},
      {"updated_at", &P::updated_at, V::kText, false, false},
  };
  return kColumns;
}

void bindStepValue(SQLite::Statement& s, int index, const StepColumn& column,
                   const PerformedStep& step) {
  const std::string& value = step.*(column.member);
  switch (column.value) {
    case StepValue::kText:
      s.bind(index, value);
      return;
    case StepValue::kNullable:
      bindNullable(s, index, value);
      return;
    case StepValue::kBlob:
      s.bind(index, value.data(), static_cast<int>(value.size()));
      return;
  }
}

PerformedStep stepFrom(SQLite::Statement& s) {
  PerformedStep step;
  int index = 0;
  for (const auto& column : stepColumns()) {
    if (column.value == StepValue::kBlob) {
      const auto blob = s.getColumn(index);
      (step.*(column.member))
          .assign(static_cast<const char*>(blob.getBlob()),
                  static_cast<std::size_t>(blob.getBytes()));
    } else {
      step.*(column.member) = textAt(s, index);
    }
    ++index;
  }
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

namespace {

struct CandidateSql {
  std::string text;
  std::vector<std::string> values;
};

CandidateSql candidateSql(const CandidateFilter& filter) {
  CandidateSql sql;
  std::string where;
  auto add = [&](const char* condition, const std::string& value) {
    if (value.empty()) return;
    where += (where.empty() ? " WHERE " : " AND ") + std::string(condition);
    sql.values.push_back(value);
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
      sql.values.push_back(status);
    }
    where += (where.empty() ? " WHERE " : " AND ") + std::string("status IN (") + in + ")";
  }
  sql.text = "SELECT " + columnList(false) + " FROM worklist_items" + where +
             " ORDER BY scheduled_date, scheduled_time, accession_number";
  return sql;
}

std::vector<WorklistItem> readCandidates(SQLite::Statement& s,
                                         const std::vector<std::string>& values) {
  // Reset on every way out, so a kept statement never holds its read snapshot open.
  struct ResetOnExit {
    SQLite::Statement& statement;
    ~ResetOnExit() { statement.tryReset(); }
  } reset{s};
  for (std::size_t i = 0; i < values.size(); ++i) s.bind(static_cast<int>(i + 1), values[i]);
  std::vector<WorklistItem> items;
  while (s.executeStep()) items.push_back(itemFrom(s));
  return items;
}

}  // namespace

std::vector<WorklistItem> selectCandidates(SQLite::Database& db, const CandidateFilter& filter) {
  const CandidateSql sql = candidateSql(filter);
  SQLite::Statement s(db, sql.text);
  return readCandidates(s, sql.values);
}

std::vector<WorklistItem> selectCandidates(db::StatementCache& statements,
                                           const CandidateFilter& filter) {
  const CandidateSql sql = candidateSql(filter);
  return readCandidates(statements.get(sql.text), sql.values);
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
  updateItemColumn(db, "mpps_instance_uid", accession, mpps_instance_uid);
}

void updateItemStatus(SQLite::Database& db, const std::string& accession,
                      const std::string& status) {
  updateItemColumn(db, "status", accession, status);
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
  std::string columns;
  for (const auto& column : stepColumns()) {
    columns += (columns.empty() ? "" : ", ") + std::string(column.name);
  }
  SQLite::Statement s(
      db, "SELECT " + columns + " FROM performed_procedure_steps WHERE sop_instance_uid = ?");
  s.bind(1, sop_instance_uid);
  if (!s.executeStep()) return std::nullopt;
  return stepFrom(s);
}

void insertStep(SQLite::Database& db, const PerformedStep& step) {
  std::string columns;
  std::string placeholders;
  for (const auto& column : stepColumns()) {
    if (!column.on_create) continue;
    columns += (columns.empty() ? "" : ", ") + std::string(column.name);
    placeholders += placeholders.empty() ? "?" : ",?";
  }
  SQLite::Statement s(
      db, "INSERT INTO performed_procedure_steps (" + columns + ") VALUES (" + placeholders + ")");
  int index = 1;
  for (const auto& column : stepColumns()) {
    if (column.on_create) bindStepValue(s, index++, column, step);
  }
  s.exec();
}

void updateStep(SQLite::Database& db, const PerformedStep& step) {
  std::string assignments;
  for (const auto& column : stepColumns()) {
    if (column.on_set) assignments += std::string(column.name) + " = ?, ";
  }
  SQLite::Statement s(db, "UPDATE performed_procedure_steps SET " + assignments +
                              "updated_at = CURRENT_TIMESTAMP WHERE sop_instance_uid = ?");
  int index = 1;
  for (const auto& column : stepColumns()) {
    if (column.on_set) bindStepValue(s, index++, column, step);
  }
  s.bind(index, step.sop_instance_uid);
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
