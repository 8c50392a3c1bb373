#include "services/pacs/forward_queue.h"

#include <SQLiteCpp/Statement.h>

#include "common/db/database.h"
#include "services/pacs/instance_index.h"

namespace gateway::pacs {
namespace {

std::string textOf(SQLite::Statement& s, int column) {
  return s.getColumn(column).isNull() ? std::string() : s.getColumn(column).getString();
}

// Errors are a peer's words in part: bounded before they reach the database.
std::string bounded(const std::string& error) {
  constexpr std::size_t kMax = 1024;
  return error.size() <= kMax ? error : error.substr(0, kMax) + "...";
}

}  // namespace

ForwardQueue::ForwardQueue(const std::filesystem::path& db_path)
    : db_(db::openDatabase(db_path, pacsMigrations(), {.durability = db::Durability::kNormal})) {}

ForwardQueue::~ForwardQueue() = default;

int ForwardQueue::resumeInterrupted() {
  std::lock_guard lock(mutex_);
  return db_->exec(
      "UPDATE forward_queue SET state = 'PENDING', attempts = attempts + 1, next_attempt_at = 0 "
      "WHERE state = 'SENDING'");
}

std::vector<ForwardItem> ForwardQueue::claim(const std::string& destination, int limit,
                                             double now) {
  std::lock_guard lock(mutex_);
  auto transaction = db::beginImmediate(*db_);
  SQLite::Statement select(
      *db_,
      "SELECT q.id, q.sop_instance_uid, s.sop_class_uid, s.transfer_syntax_uid, "
      "s.study_instance_uid, s.storage_path, s.status, q.attempts "
      "FROM forward_queue q INDEXED BY forward_queue_order "
      "LEFT JOIN stored_instances s USING (sop_instance_uid) "
      "WHERE q.destination = ? AND q.state = 'PENDING' AND q.next_attempt_at <= ? "
      "ORDER BY q.id LIMIT ?");
  select.bind(1, destination);
  select.bind(2, now);
  select.bind(3, limit);
  std::vector<ForwardItem> items;
  while (select.executeStep()) {
    ForwardItem item;
    item.id = select.getColumn(0).getInt64();
    item.sop_instance_uid = textOf(select, 1);
    item.sop_class_uid = textOf(select, 2);
    item.transfer_syntax_uid = textOf(select, 3);
    item.study_instance_uid = textOf(select, 4);
    item.storage_path = textOf(select, 5);
    item.instance_status = textOf(select, 6);
    item.attempts = select.getColumn(7).getInt();
    items.push_back(std::move(item));
  }
  SQLite::Statement update(*db_, "UPDATE forward_queue SET state = 'SENDING' WHERE id = ?");
  for (const auto& item : items) {
    update.bind(1, item.id);
    update.exec();
    update.reset();
  }
  transaction.commit();
  return items;
}

void ForwardQueue::markSent(const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return;
  std::lock_guard lock(mutex_);
  // One transaction for a batch: a crash before it commits resends (at-least-once).
  auto transaction = db::beginImmediate(*db_);
  SQLite::Statement s(
      *db_,
      "UPDATE forward_queue SET state = 'SENT', attempts = attempts + 1, "
      "last_error = NULL, sent_at = CURRENT_TIMESTAMP WHERE id = ? AND state = 'SENDING'");
  for (const auto id : ids) {
    s.bind(1, id);
    s.exec();
    s.reset();
  }
  transaction.commit();
}

void ForwardQueue::markRetry(std::int64_t id, const std::string& error, double next_attempt_at) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_,
                      "UPDATE forward_queue SET state = 'PENDING', attempts = attempts + 1, "
                      "last_error = ?, next_attempt_at = ? WHERE id = ? AND state = 'SENDING'");
  s.bind(1, bounded(error));
  s.bind(2, next_attempt_at);
  s.bind(3, id);
  s.exec();
}

void ForwardQueue::markFailed(std::int64_t id, const std::string& error) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_,
                      "UPDATE forward_queue SET state = 'FAILED', attempts = attempts + 1, "
                      "last_error = ? WHERE id = ? AND state = 'SENDING'");
  s.bind(1, bounded(error));
  s.bind(2, id);
  s.exec();
}

void ForwardQueue::release(const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return;
  std::lock_guard lock(mutex_);
  auto transaction = db::beginImmediate(*db_);
  SQLite::Statement s(
      *db_, "UPDATE forward_queue SET state = 'PENDING' WHERE id = ? AND state = 'SENDING'");
  for (const auto id : ids) {
    s.bind(1, id);
    s.exec();
    s.reset();
  }
  transaction.commit();
}

std::optional<double> ForwardQueue::nextDue(const std::string& destination) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_,
                      "SELECT MIN(next_attempt_at) FROM forward_queue "
                      "WHERE destination = ? AND state = 'PENDING'");
  s.bind(1, destination);
  if (!s.executeStep() || s.getColumn(0).isNull()) return std::nullopt;
  return s.getColumn(0).getDouble();
}

bool ForwardQueue::hasForcedRetry(const std::string& destination) {
  std::lock_guard lock(mutex_);
  SQLite::Statement s(*db_,
                      "SELECT 1 FROM forward_queue WHERE destination = ? AND state = 'PENDING' "
                      "AND next_attempt_at < 0 LIMIT 1");
  s.bind(1, destination);
  return s.executeStep();
}

std::vector<DestinationBacklog> ForwardQueue::backlog() {
  std::lock_guard lock(mutex_);
  std::vector<DestinationBacklog> out;
  SQLite::Statement s(
      *db_,
      "SELECT destination, "
      "SUM(state = 'PENDING'), SUM(state = 'SENDING'), SUM(state = 'SENT'), SUM(state = 'FAILED'), "
      "MIN(CASE WHEN state IN ('PENDING', 'SENDING') THEN queued_at END) "
      "FROM forward_queue GROUP BY destination ORDER BY destination");
  while (s.executeStep()) {
    DestinationBacklog b;
    b.destination = textOf(s, 0);
    b.pending = s.getColumn(1).getInt64();
    b.sending = s.getColumn(2).getInt64();
    b.sent = s.getColumn(3).getInt64();
    b.failed = s.getColumn(4).getInt64();
    b.oldest_unsent_queued_at = textOf(s, 5);
    out.push_back(std::move(b));
  }
  SQLite::Statement error(*db_,
                          "SELECT last_error FROM forward_queue WHERE destination = ? AND "
                          "state IN ('PENDING', 'FAILED') AND last_error IS NOT NULL "
                          "ORDER BY id DESC LIMIT 1");
  for (auto& b : out) {
    error.bind(1, b.destination);
    if (error.executeStep()) b.last_error = textOf(error, 0);
    error.reset();
  }
  return out;
}

std::vector<ForwardRow> ForwardQueue::list(const ForwardListFilter& filter) {
  std::lock_guard lock(mutex_);
  std::string sql =
      "SELECT q.id, q.sop_instance_uid, q.destination, q.state, q.attempts, q.last_error, "
      "q.next_attempt_at, q.queued_at, q.sent_at, s.accession_number, s.study_instance_uid "
      "FROM forward_queue q LEFT JOIN stored_instances s USING (sop_instance_uid) WHERE 1";
  std::vector<std::string> binds;
  if (!filter.state.empty()) {
    sql += " AND q.state = ?";
    binds.push_back(filter.state);
  }
  if (!filter.destination.empty()) {
    sql += " AND q.destination = ?";
    binds.push_back(filter.destination);
  }
  if (!filter.accession_number.empty()) {
    sql += " AND s.accession_number = ?";
    binds.push_back(filter.accession_number);
  }
  sql += " ORDER BY q.id LIMIT ?";
  SQLite::Statement s(*db_, sql);
  int at = 1;
  for (const auto& b : binds) s.bind(at++, b);
  s.bind(at, filter.limit);
  std::vector<ForwardRow> out;
  while (s.executeStep()) {
    ForwardRow r;
    r.id = s.getColumn(0).getInt64();
    r.sop_instance_uid = textOf(s, 1);
    r.destination = textOf(s, 2);
    r.state = textOf(s, 3);
    r.attempts = s.getColumn(4).getInt();
    r.last_error = textOf(s, 5);
    r.next_attempt_at = s.getColumn(6).getDouble();
    r.queued_at = textOf(s, 7);
    r.sent_at = textOf(s, 8);
    r.accession_number = textOf(s, 9);
    r.study_instance_uid = textOf(s, 10);
    out.push_back(std::move(r));
  }
  return out;
}

int ForwardQueue::retryNow(const std::string& destination, bool failed) {
  std::lock_guard lock(mutex_);
  // next_attempt_at -1 marks "due now, by request": a worker waiting out a destination-wide
  // backoff looks for it (hasForcedRetry) and tries at once.
  const std::string where = destination.empty() ? "" : " AND destination = ?";
  auto transaction = db::beginImmediate(*db_);
  int changed = 0;
  SQLite::Statement pending(*db_,
                            "UPDATE forward_queue SET next_attempt_at = -1 WHERE state = "
                            "'PENDING'" +
                                where);
  if (!destination.empty()) pending.bind(1, destination);
  changed += pending.exec();
  if (failed) {
    SQLite::Statement dead(*db_,
                           "UPDATE forward_queue SET state = 'PENDING', attempts = 0, "
                           "next_attempt_at = -1 WHERE state = 'FAILED'" +
                               where);
    if (!destination.empty()) dead.bind(1, destination);
    changed += dead.exec();
  }
  transaction.commit();
  return changed;
}

}  // namespace gateway::pacs
