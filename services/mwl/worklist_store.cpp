#include "services/mwl/worklist_store.h"

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

namespace gateway::mwl {
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

WorklistItem rowFrom(SQLite::Statement& s) {
  WorklistItem item;
  int column = 0;
  for (const auto& f : worklistFields()) {
    item.*(f.member) = s.isColumnNull(column) ? std::string() : s.getColumn(column).getString();
    ++column;
  }
  return item;
}

void bindNullable(SQLite::Statement& s, int index, const std::string& value) {
  if (value.empty()) {
    s.bind(index);
  } else {
    s.bind(index, value);
  }
}

}  // namespace

WorklistStore::WorklistStore(const std::filesystem::path& db_path)
    : db_(db::openDatabase(db_path, mwlMigrations())) {}

void WorklistStore::insertLocked(const WorklistItem& item, bool replace) {
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
    sql += " ON CONFLICT(accession_number) DO UPDATE SET " + updates +
           ", updated_at=CURRENT_TIMESTAMP";
  }
  SQLite::Statement s(*db_, sql);
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

void WorklistStore::add(const WorklistItem& item, bool replace) {
  std::lock_guard lock(mutex_);
  auto transaction = db::beginImmediate(*db_);
  insertLocked(item, replace);
  transaction.commit();
}

void WorklistStore::addAll(
    const std::vector<WorklistItem>& items, bool replace,
    const std::function<void(std::uint64_t done, std::uint64_t total)>& progress) {
  std::lock_guard lock(mutex_);
  auto transaction = db::beginImmediate(*db_);
  std::uint64_t done = 0;
  for (const auto& item : items) {
    insertLocked(item, replace);
    if (progress) progress(++done, items.size());
  }
  transaction.commit();  // not reached on a throw: the transaction rolls back whole
}

bool WorklistStore::remove(const std::string& accession_number) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_, "DELETE FROM worklist_items WHERE accession_number = ?");
  s.bind(1, accession_number);
  return s.exec() > 0;
}

std::optional<WorklistItem> WorklistStore::find(const std::string& accession_number) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(
      *db_, "SELECT " + columnList(false) + " FROM worklist_items WHERE accession_number = ?");
  s.bind(1, accession_number);
  if (!s.executeStep()) return std::nullopt;
  return rowFrom(s);
}

std::vector<WorklistItem> WorklistStore::list(const ListFilter& filter) {
  CandidateFilter c;
  c.date_from = filter.date_from;
  c.date_to = filter.date_to;
  c.statuses = filter.statuses;
  return candidates(c);
}

std::vector<WorklistItem> WorklistStore::candidates(const CandidateFilter& filter) {
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
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_, "SELECT " + columnList(false) + " FROM worklist_items" + where +
                                " ORDER BY scheduled_date, scheduled_time, accession_number");
  for (std::size_t i = 0; i < values.size(); ++i) s.bind(static_cast<int>(i + 1), values[i]);
  std::vector<WorklistItem> items;
  while (s.executeStep()) items.push_back(rowFrom(s));
  return items;
}

std::int64_t WorklistStore::count() {
  std::lock_guard lock(mutex_);
  return db_->execAndGet("SELECT COUNT(*) FROM worklist_items").getInt64();
}

}  // namespace gateway::mwl
