#include "services/pacs/commitment_store.h"

#include <SQLiteCpp/Statement.h>

#include "common/db/database.h"
#include "services/pacs/instance_index.h"

namespace gateway::pacs {
namespace {

constexpr const char* kColumns =
    "transaction_uid, calling_aet, association_id, state, event_type, report, attempts, "
    "last_error, not_before";

CommitmentTransaction rowFrom(SQLite::Statement& s) {
  CommitmentTransaction t;
  t.transaction_uid = s.getColumn(0).getString();
  t.calling_aet = s.getColumn(1).getString();
  if (!s.isColumnNull(2)) t.association_id = static_cast<std::uint64_t>(s.getColumn(2).getInt64());
  t.state = s.getColumn(3).getString();
  t.event_type = s.isColumnNull(4) ? 0 : s.getColumn(4).getInt();
  if (!s.isColumnNull(5)) {
    const auto blob = s.getColumn(5);
    t.report.assign(static_cast<const char*>(blob.getBlob()),
                    static_cast<std::size_t>(blob.getBytes()));
  }
  t.attempts = s.getColumn(6).getInt();
  t.last_error = s.isColumnNull(7) ? std::string() : s.getColumn(7).getString();
  t.not_before = s.getColumn(8).getDouble();
  return t;
}

void loadItems(SQLite::Database& db, CommitmentTransaction& t) {
  SQLite::Statement s(db,
                      "SELECT sop_class_uid, sop_instance_uid FROM storage_commitment_items "
                      "WHERE transaction_uid = ? ORDER BY position");
  s.bind(1, t.transaction_uid);
  while (s.executeStep())
    t.items.push_back({s.getColumn(0).getString(), s.getColumn(1).getString()});
}

}  // namespace

CommitmentStore::CommitmentStore(const std::filesystem::path& db_path)
    : db_(db::openDatabase(db_path, pacsMigrations())) {}

CommitmentStore::~CommitmentStore() = default;

bool CommitmentStore::record(const CommitmentTransaction& t) {
  std::lock_guard lock(mutex_);
  auto transaction = db::beginImmediate(*db_);
  {
    SQLite::Statement exists(*db_, "SELECT 1 FROM storage_commitments WHERE transaction_uid = ?");
    exists.bind(1, t.transaction_uid);
    if (exists.executeStep()) return false;
  }
  SQLite::Statement insert(*db_,
                           "INSERT INTO storage_commitments (transaction_uid, calling_aet, "
                           "association_id, not_before) VALUES (?, ?, ?, ?)");
  insert.bind(1, t.transaction_uid);
  insert.bind(2, t.calling_aet);
  if (t.association_id) {
    insert.bind(3, static_cast<std::int64_t>(*t.association_id));
  } else {
    insert.bind(3);
  }
  insert.bind(4, t.not_before);
  insert.exec();
  SQLite::Statement item(*db_,
                         "INSERT INTO storage_commitment_items (transaction_uid, position, "
                         "sop_class_uid, sop_instance_uid) VALUES (?, ?, ?, ?)");
  int position = 0;
  for (const auto& i : t.items) {
    item.bind(1, t.transaction_uid);
    item.bind(2, position++);
    item.bind(3, i.sop_class_uid);
    item.bind(4, i.sop_instance_uid);
    item.exec();
    item.reset();
  }
  transaction.commit();
  return true;
}

std::vector<CommitmentTransaction> CommitmentStore::open() {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_, std::string("SELECT ") + kColumns +
                                " FROM storage_commitments WHERE state IN ('PENDING', 'READY') "
                                "ORDER BY requested_at, transaction_uid");
  std::vector<CommitmentTransaction> out;
  while (s.executeStep()) out.push_back(rowFrom(s));
  for (auto& t : out) loadItems(*db_, t);
  return out;
}

std::optional<CommitmentTransaction> CommitmentStore::find(const std::string& uid) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_, std::string("SELECT ") + kColumns +
                                " FROM storage_commitments WHERE transaction_uid = ?");
  s.bind(1, uid);
  if (!s.executeStep()) return std::nullopt;
  auto t = rowFrom(s);
  loadItems(*db_, t);
  return t;
}

void CommitmentStore::markReady(const std::string& uid, int event_type, const std::string& report,
                                int committed, int failed) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_,
                      "UPDATE storage_commitments SET state = 'READY', event_type = ?, report = ?, "
                      "committed_count = ?, failed_count = ? WHERE transaction_uid = ?");
  s.bind(1, event_type);
  s.bind(2, report.data(), static_cast<int>(report.size()));
  s.bind(3, committed);
  s.bind(4, failed);
  s.bind(5, uid);
  s.exec();
}

void CommitmentStore::markRetry(const std::string& uid, const std::string& error,
                                double not_before) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_,
                      "UPDATE storage_commitments SET attempts = attempts + 1, last_error = ?, "
                      "not_before = ? WHERE transaction_uid = ?");
  s.bind(1, error);
  s.bind(2, not_before);
  s.bind(3, uid);
  s.exec();
}

void CommitmentStore::markReported(const std::string& uid, const std::string& via) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(
      *db_,
      "UPDATE storage_commitments SET state = 'REPORTED', attempts = attempts + 1, "
      "reported_at = CURRENT_TIMESTAMP, reported_via = ? WHERE transaction_uid = ?");
  s.bind(1, via);
  s.bind(2, uid);
  s.exec();
}

void CommitmentStore::markUndeliverable(const std::string& uid, const std::string& error) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_,
                      "UPDATE storage_commitments SET state = 'UNDELIVERABLE', last_error = ? "
                      "WHERE transaction_uid = ?");
  s.bind(1, error);
  s.bind(2, uid);
  s.exec();
}

void CommitmentStore::forgetAssociations() {
  std::lock_guard lock(mutex_);
  db_->exec(
      "UPDATE storage_commitments SET association_id = NULL WHERE association_id IS NOT NULL");
}

}  // namespace gateway::pacs
