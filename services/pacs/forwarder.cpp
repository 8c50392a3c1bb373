#include "services/pacs/forwarder.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <stdexcept>

#include "common/dicom/tls_client.h"
#include "common/logging/logging.h"
#include "common/logging/peer_text.h"
#include "common/text/trim.h"
#include "services/pacs/dicom_forward_sender.h"
#include "services/pacs/stow_forward_sender.h"

namespace gateway::pacs {
namespace {

constexpr int kWorkerNice = 10;

double unixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string readToken(const std::filesystem::path& file, const std::string& destination) {
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error("forward destination " + destination + ": token file " +
                             file.string() + " cannot be read");
  }
  std::string token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  token = text::trim(token);
  if (token.empty() || token.find_first_of("\r\n") != std::string::npos) {
    throw std::runtime_error("forward destination " + destination + ": token file " +
                             file.string() + " must hold one line");
  }
  return token;
}

// The next file will be read soon: let the kernel start on it.
void readAhead(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
  ::close(fd);
}

}  // namespace

struct Forwarder::Destination {
  config::ForwardDestination config;
  std::mutex mutex;  // guards the fields below
  int consecutive_unreachable = 0;
  std::chrono::steady_clock::time_point retry_after{};
};

ForwardSenderFactory configuredSenders(const config::GatewayConfig& config) {
  // Tokens are read once, at start: a missing file is a start-up error, not a silent 401.
  std::map<std::string, std::string> tokens;
  for (const auto& d : config.forward.destinations) {
    if (d.type != config::ForwardType::kStow) continue;
    initialiseHttpClientLibrary();  // here, on the starting thread, before any worker runs
    tokens[d.name] = d.token_file.empty() ? d.token : readToken(d.token_file, d.name);
    if (!d.ca_file.empty() && !std::ifstream(d.ca_file)) {
      // Else every request would fail certificate verification, retried forever.
      throw std::runtime_error("forward destination " + d.name + ": CA file " + d.ca_file.string() +
                               " cannot be read");
    }
  }
  const std::string calling_aet = config.pacs.aet;
  const auto timeout = config.network.dimse_timeout;
  const config::TlsSettings tls = config.tls;
  return [tokens, calling_aet, timeout,
          tls](const config::ForwardDestination& d) -> std::unique_ptr<ForwardSender> {
    if (d.type == config::ForwardType::kStow) {
      StowTarget target;
      target.url = d.url;
      target.token = tokens.count(d.name) != 0 ? tokens.at(d.name) : std::string();
      target.ca_file = d.ca_file;
      return std::make_unique<StowForwardSender>(std::move(target));
    }
    dicom::OutboundTarget target;
    target.host = d.host;
    target.port = d.port;
    target.calling_aet = calling_aet;
    target.called_aet = d.ae_title;
    target.timeout = timeout;
    if (d.tls) target.tls = dicom::remoteCallTls(tls);
    return std::make_unique<DicomForwardSender>(std::move(target));
  };
}

Forwarder::Forwarder(const std::filesystem::path& db_path,
                     std::vector<config::ForwardDestination> destinations, ForwarderOptions options,
                     ForwardSenderFactory senders, ReceiveActivity* receiving)
    : queue_(std::make_unique<ForwardQueue>(db_path)),
      options_(std::move(options)),
      senders_(std::move(senders)),
      receiving_(receiving) {
  for (auto& d : destinations) {
    auto destination = std::make_unique<Destination>();
    destination->config = std::move(d);
    destinations_.push_back(std::move(destination));
  }
}

Forwarder::~Forwarder() { stop(); }

void Forwarder::start() {
  const int resumed = queue_->resumeInterrupted();
  if (resumed > 0) {
    logging::pacs()->warn("forwarding resumed {} instance(s) interrupted by a stop or crash",
                          resumed);
  }
  for (auto& destination : destinations_) {
    logging::pacs()->info("forwarding destination={} type={} to={} workers={}",
                          destination->config.name, config::toString(destination->config.type),
                          destination->config.endpoint(), destination->config.max_associations);
    for (int i = 0; i < destination->config.max_associations; ++i) {
      threads_.emplace_back(
          [this, d = destination.get(), i] { work(*d, static_cast<std::size_t>(i)); });
    }
  }
}

void Forwarder::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    ++generation_;
  }
  wakeup_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void Forwarder::wake() {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
  }
  wakeup_.notify_all();
}

bool Forwarder::waitForWork(Destination&, std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(mutex_);
  const std::uint64_t seen = generation_;
  wakeup_.wait_until(lock, until, [&] { return stopping_.load() || generation_ != seen; });
  return !stopping_;
}

void Forwarder::yieldToReceiving() {
  if (receiving_ == nullptr) return;
  const auto deadline = std::chrono::steady_clock::now() + options_.yield_limit;
  while (!stopping_ && !receiving_->quietFor(options_.yield_quiet) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Forwarder::work(Destination& destination, std::size_t worker) {
  // Lower this thread's priority only: the storage workers keep theirs.
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), kWorkerNice);
  logging::setThreadName("forward-" + destination.config.name);
  const std::string& name = destination.config.name;
  std::unique_ptr<ForwardSender> sender;
  try {
    sender = senders_(destination.config);
  } catch (const std::exception& e) {
    logging::pacs()->error("forwarding destination={} cannot start: {}", name, e.what());
    return;
  }
  WorkerState state{
      destination, *sender,
      std::mt19937(static_cast<std::mt19937::result_type>(std::random_device{}() + worker))};
  while (!stopping_) {
    try {
      if (!workOnce(state)) continue;
    } catch (const std::exception& e) {
      // The queue could not be read or written (disk full, locked too long): nothing is lost,
      // claimed rows go back to PENDING at the next start at the latest. Never fatal.
      logging::pacs()->error("forwarding destination={} queue error: {}", name, e.what());
      try {
        queue_->release(state.claimed);  // rows already settled are not SENDING: untouched
        state.claimed.clear();
      } catch (const std::exception&) {
        // Still failing: the next start puts them back.
      }
      state.sender.idle();
      state.connected = false;
      waitForWork(destination, std::chrono::steady_clock::now() + options_.idle_poll);
    }
  }
  if (state.connected) sender->idle();
}

double Forwarder::destinationBackoff(WorkerState& state) {
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  std::lock_guard lock(state.destination.mutex);
  const int failures = ++state.destination.consecutive_unreachable;
  const double wait = backoffSeconds(
      failures, static_cast<double>(options_.retry_max_delay.count()), jitter(state.random));
  state.destination.retry_after =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long>(wait * 1000));
  return wait;
}

bool Forwarder::workOnce(WorkerState& state) {
  Destination& destination = state.destination;
  const std::string& name = destination.config.name;
  std::chrono::steady_clock::time_point retry_after;
  {
    std::lock_guard lock(destination.mutex);
    retry_after = destination.retry_after;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now < retry_after) {
    // Waiting out an unreachable destination; `forward retry` ends the wait.
    if (queue_->hasForcedRetry(name)) {
      std::lock_guard lock(destination.mutex);
      destination.retry_after = {};
      return true;
    }
    waitForWork(destination, std::min(retry_after, now + options_.idle_poll));
    return false;
  }
  const std::vector<ForwardItem> batch = queue_->claim(name, options_.batch_size, unixNow());
  state.claimed.clear();
  for (const auto& item : batch) state.claimed.push_back(item.id);
  if (batch.empty()) {
    if (state.connected) state.sender.idle();
    state.connected = false;
    auto until = std::chrono::steady_clock::now() + options_.idle_poll;
    if (const auto due = queue_->nextDue(name)) {
      const auto in = std::chrono::duration<double>(std::max(0.0, *due - unixNow()));
      until = std::min(until, std::chrono::steady_clock::now() +
                                  std::chrono::duration_cast<std::chrono::milliseconds>(in) +
                                  std::chrono::milliseconds(5));
    }
    waitForWork(destination, until);
    return false;
  }

  yieldToReceiving();
  const SendOutcome ready = state.sender.prepare(batch);
  if (ready.disposition != ForwardDisposition::kSent) {
    settleBatch(state, batch, ready);
    return true;
  }
  state.connected = true;

  std::vector<std::int64_t> sent;
  std::vector<std::int64_t> untried;
  bool broken = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const ForwardItem& item = batch[i];
    if (stopping_ || broken) {
      untried.push_back(item.id);
      continue;
    }
    if (item.storage_path.empty() || item.instance_status == "PURGED") {
      queue_->markFailed(item.id, item.storage_path.empty()
                                      ? "the instance is no longer in the index"
                                      : "the instance was purged before it was sent");
      continue;
    }
    if (i + 1 < batch.size() && !batch[i + 1].storage_path.empty()) {
      readAhead(options_.storage_root / batch[i + 1].storage_path);
    }
    if (i > 0) yieldToReceiving();
    const SendOutcome outcome = state.sender.send(item, options_.storage_root / item.storage_path);
    settleItem(state, item, outcome);
    if (outcome.disposition == ForwardDisposition::kSent) sent.push_back(item.id);
    broken = outcome.connection_lost;
  }
  // One transaction for the batch's SENT rows: a crash before it commits resends them.
  queue_->markSent(sent);
  queue_->release(untried);
  state.claimed.clear();
  if (broken) {
    state.sender.idle();
    state.connected = false;
  }
  return true;
}

void Forwarder::settleBatch(WorkerState& state, const std::vector<ForwardItem>& batch,
                            const SendOutcome& outcome) {
  Destination& destination = state.destination;
  const std::string& name = destination.config.name;
  if (outcome.disposition == ForwardDisposition::kRetry) {
    // Unreachable: one wait for the whole destination, not one connection per instance. The
    // rows are due no later than the worker wakes, so they keep their place in the queue.
    const double tried_at = unixNow();
    const double wait = destinationBackoff(state);
    for (const auto& item : batch) queue_->markRetry(item.id, outcome.detail, tried_at + wait);
    logging::pacs()->warn(
        "forwarding destination={} unreachable, {} instance(s) wait, next attempt in {:.0f} s: {}",
        name, batch.size(), wait, logging::escaped(outcome.detail));
    return;
  }
  for (const auto& item : batch) {
    queue_->markFailed(item.id, outcome.detail);
    logging::pacs()->error("forward failed destination={} sop_instance={} reason=\"{}\"", name,
                           item.sop_instance_uid, logging::escaped(outcome.detail));
  }
  logging::pacs()->error("forwarding destination={} refused {} instance(s): {}", name, batch.size(),
                         logging::escaped(outcome.detail));
}

void Forwarder::settleItem(WorkerState& state, const ForwardItem& item,
                           const SendOutcome& outcome) {
  Destination& destination = state.destination;
  const std::string& name = destination.config.name;
  switch (outcome.disposition) {
    case ForwardDisposition::kSent: {
      logging::pacs()->info("forwarded destination={} sop_instance={} attempt={}{}", name,
                            item.sop_instance_uid, item.attempts + 1,
                            outcome.detail.empty() ? "" : " " + outcome.detail);
      std::lock_guard lock(destination.mutex);
      destination.consecutive_unreachable = 0;
      return;
    }
    case ForwardDisposition::kRetry: {
      double wait = 0;
      const double tried_at = unixNow();
      if (outcome.connection_lost) {
        wait = destinationBackoff(state);  // the destination went away: all of it waits
      } else {
        std::uniform_real_distribution<double> jitter(0.0, 1.0);
        wait =
            backoffSeconds(item.attempts + 1, static_cast<double>(options_.retry_max_delay.count()),
                           jitter(state.random));
      }
      queue_->markRetry(item.id, outcome.detail, tried_at + wait);
      logging::pacs()->warn(
          "forward retry destination={} sop_instance={} attempt={} next_in={:.0f}s error=\"{}\"",
          name, item.sop_instance_uid, item.attempts + 1, wait, logging::escaped(outcome.detail));
      return;
    }
    case ForwardDisposition::kFailed: {
      queue_->markFailed(item.id, outcome.detail);
      logging::pacs()->error("forward failed destination={} sop_instance={} reason=\"{}\"", name,
                             item.sop_instance_uid, logging::escaped(outcome.detail));
      return;
    }
  }
}

}  // namespace gateway::pacs
