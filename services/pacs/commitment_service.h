#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "common/dicom/outbound_association.h"
#include "common/dicom/providers.h"
#include "services/pacs/commitment_store.h"
#include "services/pacs/file_store.h"
#include "services/pacs/instance_index.h"

namespace gateway::pacs {

inline constexpr const char* kStorageCommitmentClass = "1.2.840.10008.1.20.1";
inline constexpr const char* kStorageCommitmentInstance = "1.2.840.10008.1.20.1.1";

// Requests waiting to go out on one open association (its handler drains it).
class AssociationOutbox {
 public:
  void push(dicom::OutboundRequest request);
  std::optional<dicom::OutboundRequest> take();

 private:
  std::mutex mutex_;
  std::deque<dicom::OutboundRequest> requests_;
};

// Storage Commitment Push Model, SCP side (PS3.4 Annex J), after the N-ACTION is answered:
// one thread ("pacs-commit") verifies each recorded transaction truthfully
// (commitment_check.h) and delivers its N-EVENT-REPORT — on the requester's own association
// when it is still open, else on a new association to the requester's AE (host and port from
// the known-AE table, through `resolve`; a requester not in it gets no report, with a
// WARNING), retrying with backoff. Transactions live in SQLite (CommitmentStore), so what a
// restart interrupts is verified and reported after start-up.
class CommitmentService {
 public:
  struct Options {
    std::string aet;  // ours: calling AE of new associations, Retrieve AE Title of the report
    std::chrono::seconds report_delay{0};  // PACS_COMMITMENT_REPORT_DELAY
    std::chrono::seconds timeout{30};      // each association and exchange for a report
    std::chrono::seconds give_up_after{std::chrono::hours(24)};
  };
  // Where to call the requester for its report; nullopt: not in the known-AE table.
  using Resolver = std::function<std::optional<dicom::OutboundTarget>(const std::string& aet)>;

  CommitmentService(Options options, InstanceIndex& index, FileStore& store,
                    CommitmentStore& commitments, Resolver resolve);
  ~CommitmentService();  // stop()
  CommitmentService(const CommitmentService&) = delete;
  CommitmentService& operator=(const CommitmentService&) = delete;

  void start();  // picks up what the last run left open, then runs the thread
  void stop();   // at once: the thread is joined; open transactions stay in the database

  // A request was recorded (on the worker thread of `association_id`).
  void submitted();
  // The association of `id` is open, and reports for it may go through `outbox`.
  void attach(std::uint64_t association_id, std::shared_ptr<AssociationOutbox> outbox);
  void detach(std::uint64_t association_id);

  std::chrono::seconds reportDelay() const { return options_.report_delay; }

  // Tests: runs one round of work now, on the caller's thread.
  void runOnceForTest() { work(); }

 private:
  void loop();
  void work();
  void verify(const CommitmentTransaction& transaction);
  void deliver(const CommitmentTransaction& transaction);
  void deliverOnNewAssociation(const CommitmentTransaction& transaction);
  void retryLater(const CommitmentTransaction& transaction, const std::string& error);
  void sameAssociationDone(const std::string& transaction_uid, std::optional<std::uint16_t> status);

  Options options_;
  InstanceIndex& index_;
  FileStore& store_;
  CommitmentStore& commitments_;
  Resolver resolve_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_work_ = false;
  std::map<std::uint64_t, std::shared_ptr<AssociationOutbox>> outboxes_;
  std::set<std::string> in_flight_;             // handed to an association, answer not yet known
  std::set<std::string> new_association_only_;  // the same association failed: do not retry it
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// The N-ACTION side on the PACS AE's associations: checks the request (Action Type 1 on the
// well-known instance, a Transaction UID, a Referenced SOP Sequence of valid UIDs), records it
// durably, answers at once, and hands it to the CommitmentService; reports for it may come
// back on this association (the outbox, drained by the edge between commands).
class CommitmentProvider : public dicom::NServiceProvider {
 public:
  CommitmentProvider(const dicom::AssociationContext& context, CommitmentService& service,
                     CommitmentStore& commitments);
  ~CommitmentProvider() override;

  dicom::NReply handle(const dicom::NRequest& request) override;
  std::optional<dicom::OutboundRequest> takeOutbound() { return outbox_->take(); }

 private:
  const dicom::AssociationContext& context_;
  CommitmentService& service_;
  CommitmentStore& commitments_;
  std::shared_ptr<AssociationOutbox> outbox_;
};

}  // namespace gateway::pacs
