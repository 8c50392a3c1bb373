#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace gateway::pacs {

// One instance claimed for one destination.
struct ForwardItem {
  std::int64_t id = 0;
  std::string sop_instance_uid;
  std::string sop_class_uid;
  std::string transfer_syntax_uid;
  std::string study_instance_uid;
  std::string storage_path;     // relative to the storage root
  std::string instance_status;  // the index row's status (STORED unless purged or missing)
  int attempts = 0;             // before this one
};

// A row as `forward list` shows it.
struct ForwardRow {
  std::int64_t id = 0;
  std::string sop_instance_uid;
  std::string destination;
  std::string state;
  int attempts = 0;
  std::string last_error;
  double next_attempt_at = 0;  // unix seconds
  std::string queued_at;       // UTC "YYYY-MM-DD HH:MM:SS"
  std::string sent_at;
  std::string accession_number;
  std::string study_instance_uid;
};

// Per destination: rows by state, the oldest unsent, the latest failures.
struct DestinationBacklog {
  std::string destination;
  std::int64_t pending = 0;
  std::int64_t sending = 0;
  std::int64_t sent = 0;
  std::int64_t failed = 0;
  std::string oldest_unsent_queued_at;  // empty: nothing waiting
  std::string last_error;               // of the most recently tried unsent or failed row
};

struct ForwardListFilter {
  std::string state;  // PENDING, SENDING, SENT, FAILED; empty: any
  std::string destination;
  std::string accession_number;
  int limit = 1000;
};

// The durable forwarding queue (table forward_queue of the PACS index, ADR 0019): what the
// workers claim and settle, what the commands report and retry. Its own connection to the
// index database (WAL: it never blocks the storage workers' readers), so one queue may be
// opened by `serve` and another by a command at the same time. Thread-safe.
class ForwardQueue {
 public:
  explicit ForwardQueue(const std::filesystem::path& db_path);
  ~ForwardQueue();

  // Start-up: rows a stopped process left SENDING go back to PENDING, due now, the interrupted
  // attempt counted. Returns how many.
  int resumeInterrupted();
  // Up to `limit` due PENDING rows of `destination`, oldest first, now SENDING.
  std::vector<ForwardItem> claim(const std::string& destination, int limit, double now);
  // Settled rows. SENT clears the error; retry sets PENDING with the next attempt time.
  void markSent(const std::vector<std::int64_t>& ids);
  void markRetry(std::int64_t id, const std::string& error, double next_attempt_at);
  void markFailed(std::int64_t id, const std::string& error);
  // Claimed rows not tried (shutdown): back to PENDING without counting an attempt.
  void release(const std::vector<std::int64_t>& ids);
  // The earliest next_attempt_at of the destination's PENDING rows, if any.
  std::optional<double> nextDue(const std::string& destination);
  // Rows `forward retry` made due (a running serve's workers end their backoff for them).
  bool hasForcedRetry(const std::string& destination);

  std::vector<DestinationBacklog> backlog();
  std::vector<ForwardRow> list(const ForwardListFilter& filter);
  // `forward retry`: PENDING rows become due now (and end a running worker's backoff); with
  // `failed`, FAILED rows are queued again too, attempts from 0. Empty destination: all.
  // Returns the rows changed.
  int retryNow(const std::string& destination, bool failed);

 private:
  std::mutex mutex_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace gateway::pacs
