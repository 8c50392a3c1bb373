#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/config/gateway_config.h"
#include "services/pacs/forward_queue.h"
#include "services/pacs/forward_sender.h"
#include "services/pacs/receive_activity.h"

namespace gateway::pacs {

// Makes a worker's sender for a destination (tests substitute their own).
using ForwardSenderFactory =
    std::function<std::unique_ptr<ForwardSender>(const config::ForwardDestination& destination)>;
// The senders the configuration describes: DICOM C-STORE or STOW-RS. Throws
// std::runtime_error when a STOW token file cannot be read.
ForwardSenderFactory configuredSenders(const config::GatewayConfig& config);

struct ForwarderOptions {
  std::filesystem::path storage_root;
  std::chrono::seconds retry_max_delay{600};
  int batch_size = 16;  // rows a worker claims at once
  // While modalities send, a worker waits for this much quiet before its next instance, but
  // never longer than `yield_limit` (so a busy day still drains).
  std::chrono::milliseconds yield_quiet{200};
  std::chrono::milliseconds yield_limit{2000};
  // How often an idle worker looks at the queue without being woken (rows another process,
  // `forward retry`, made due).
  std::chrono::milliseconds idle_poll{2000};
};

// Store-and-forward (ADR 0019): per destination, max_associations worker threads (at nice
// 10: receiving comes first) claim due rows of the durable queue, send them, and settle them
// SENT, PENDING-with-backoff or FAILED. An unreachable destination is retried with a
// destination-wide backoff (one connection attempt per wait, not one per instance). Memory
// is a batch of rows per worker, however long the backlog.
class Forwarder {
 public:
  Forwarder(const std::filesystem::path& db_path,
            std::vector<config::ForwardDestination> destinations, ForwarderOptions options,
            ForwardSenderFactory senders, ReceiveActivity* receiving = nullptr);
  ~Forwarder();

  void start();  // rows left SENDING go back to PENDING, then the workers start
  void stop();   // workers finish their current instance; unsent claims go back to PENDING
  void wake();   // new rows were queued
  ForwardQueue& queue() { return *queue_; }

 private:
  struct Destination;
  // One worker's own things: its destination, its sender, its random jitter.
  struct WorkerState {
    Destination& destination;
    ForwardSender& sender;
    std::mt19937 random;
    bool connected = false;
    std::vector<std::int64_t> claimed{};  // the batch being worked on, for a queue error
  };
  void work(Destination& destination, std::size_t worker);
  // One step: a wait, or a batch claimed and settled. False when it only waited.
  bool workOnce(WorkerState& state);
  void settleBatch(WorkerState& state, const std::vector<ForwardItem>& batch,
                   const SendOutcome& outcome);
  void settleItem(WorkerState& state, const ForwardItem& item, const SendOutcome& outcome);
  double destinationBackoff(WorkerState& state);  // seconds; sets the destination's wait
  bool waitForWork(Destination& destination, std::chrono::steady_clock::time_point until);
  void yieldToReceiving();

  std::unique_ptr<ForwardQueue> queue_;
  ForwarderOptions options_;
  ForwardSenderFactory senders_;
  ReceiveActivity* receiving_;
  std::vector<std::unique_ptr<Destination>> destinations_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  std::uint64_t generation_ = 0;  // bumped by wake(), under mutex_
  std::atomic<bool> stopping_{false};
};

}  // namespace gateway::pacs
