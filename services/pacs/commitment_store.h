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

// One instance a Storage Commitment request names.
struct CommitmentItem {
  std::string sop_class_uid;
  std::string sop_instance_uid;
};

// One Storage Commitment transaction as kept in the index database (schema 005).
struct CommitmentTransaction {
  std::string transaction_uid;
  std::string calling_aet;
  std::optional<std::uint64_t> association_id;  // this run's association; none after restart
  std::string state;                            // PENDING, READY, REPORTED, UNDELIVERABLE
  std::vector<CommitmentItem> items;
  int event_type = 0;
  std::string report;  // READY: the N-EVENT-REPORT information (explicit VR LE dataset)
  int attempts = 0;
  std::string last_error;
  double not_before = 0;  // unix time
};

// The tables storage_commitments and storage_commitment_items, and the only code with SQL for
// them. Its own connection to the PACS index database (WAL; the index has another), one
// mutex; every method is one transaction. Requests survive restarts: what is not REPORTED
// is picked up again at start.
class CommitmentStore {
 public:
  explicit CommitmentStore(const std::filesystem::path& db_path);
  ~CommitmentStore();

  // Records a new request (state PENDING). False when the Transaction UID is already known
  // (a re-sent N-ACTION: the first one stands).
  bool record(const CommitmentTransaction& transaction);
  // Every transaction that is not REPORTED or UNDELIVERABLE, oldest first, with its items.
  std::vector<CommitmentTransaction> open();
  std::optional<CommitmentTransaction> find(const std::string& transaction_uid);
  // After verification: the report to deliver (state READY).
  void markReady(const std::string& transaction_uid, int event_type, const std::string& report,
                 int committed, int failed);
  // A delivery failed: try again after `not_before` (unix time).
  void markRetry(const std::string& transaction_uid, const std::string& error, double not_before);
  void markReported(const std::string& transaction_uid, const std::string& via);
  void markUndeliverable(const std::string& transaction_uid, const std::string& error);
  // After a restart no association of the previous run exists.
  void forgetAssociations();

 private:
  std::mutex mutex_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace gateway::pacs
