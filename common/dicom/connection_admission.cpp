#include "common/dicom/connection_admission.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "common/dicom/association_request.h"

namespace gateway::dicom {
namespace {

constexpr auto kMaxWait = std::chrono::milliseconds(200);
constexpr int kAcceptBurst = 64;
constexpr int kMaxEvents = 64;

void setBlocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}

void setLowWatermark(int fd, std::size_t bytes) {
  const int value = static_cast<int>(bytes);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &value, sizeof(value));
}

}  // namespace

void rejectBusy(int fd, std::size_t max_request_bytes, TlsSession* tls) {
  // A-ASSOCIATE-RJ (PS3.8 9.3.4): type 3, length 4; result 2 rejected-transient, source 3
  // service-provider (presentation), reason 2 local-limit-exceeded.
  const unsigned char reject[10] = {0x03, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x02, 0x03, 0x02};
  if (tls != nullptr) {
    // Never wait here: a peer that does not read gets no answer rather than a stalled thread.
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    tls->sendAndShutdown(reject, sizeof(reject));
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
    return;
  }
  // Read the request (it is whole in the kernel's buffer), so closing sends FIN, not RST.
  std::vector<unsigned char> discard(std::min<std::size_t>(max_request_bytes, 65536));
  for (int round = 0; round < 64; ++round) {
    const ssize_t n = ::recv(fd, discard.data(), discard.size(), MSG_DONTWAIT);
    if (n <= 0) break;
  }
  ::send(fd, reject, sizeof(reject), MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
  ::close(fd);
}

ConnectionAdmission::ConnectionAdmission(TcpListener& listener, AdmissionOptions options,
                                         HandoffFn handoff, logging::RateLimitedLog& refusals)
    : listener_(listener),
      options_(std::move(options)),
      handoff_(std::move(handoff)),
      refusals_(refusals) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::runtime_error("epoll_create1 failed");
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listener_.fd();
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listener_.fd(), &event);
}

ConnectionAdmission::~ConnectionAdmission() {
  for (const auto& [fd, pending] : pending_) ::close(fd);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void ConnectionAdmission::refuse(const std::string& peer, const std::string& reason) {
  refusals_.event(spdlog::level::warn, reason + "|" + peer,
                  "connection refused service=" + options_.service + " peer=" + peer +
                      " reason=\"" + reason + "\"");
}

void ConnectionAdmission::run(const std::atomic<bool>& stopping) {
  std::vector<epoll_event> events(kMaxEvents);
  while (!stopping) {
    auto wait = kMaxWait;
    const auto now = Clock::now();
    for (const auto& [fd, pending] : pending_) {
      wait = std::min(
          wait, std::chrono::duration_cast<std::chrono::milliseconds>(pending.deadline - now) +
                    std::chrono::milliseconds(1));
    }
    wait = std::max(wait, std::chrono::milliseconds(0));
    const int ready =
        ::epoll_wait(epoll_fd_, events.data(), kMaxEvents, static_cast<int>(wait.count()));
    for (int i = 0; i < ready; ++i) {
      const int fd = events[static_cast<std::size_t>(i)].data.fd;
      if (fd == listener_.fd()) {
        acceptNew();
      } else if (pending_.count(fd) != 0) {
        inspect(fd);
      }
    }
    expire();
    refusals_.flush();
  }
}

void ConnectionAdmission::acceptNew() {
  for (int i = 0; i < kAcceptBurst; ++i) {
    auto connection = listener_.acceptNow();
    if (!connection) return;
    const int fd = connection->fd;
    const std::string& peer = connection->peer_address;
    if (static_cast<int>(pending_.size()) >= options_.max_pending) {
      ::close(fd);
      refuse(peer, "too many connections waiting for their association request");
      continue;
    }
    if (pending_per_address_[peer] >= options_.max_pending_per_address) {
      ::close(fd);
      refuse(peer, "too many connections from this address waiting for their association request");
      continue;
    }
    const auto now = Clock::now();
    Pending& pending = pending_[fd] =
        Pending{peer, connection->peer_port, now, now + options_.request_timeout, 0, nullptr, 0};
    ++pending_per_address_[peer];
    if (options_.tls != nullptr) pending.tls = std::make_shared<TlsSession>(options_.tls, fd);
    epoll_event event{};
    event.events = pending.events = EPOLLIN | EPOLLRDHUP;
    event.data.fd = fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
    inspect(fd);  // the request (or a ClientHello) may have come with the connection
  }
}

void ConnectionAdmission::forget(int fd) {
  auto it = pending_.find(fd);
  if (it == pending_.end()) return;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  auto count = pending_per_address_.find(it->second.peer_address);
  if (count != pending_per_address_.end() && --count->second <= 0) {
    pending_per_address_.erase(count);
  }
  pending_.erase(it);
}

void ConnectionAdmission::watch(int fd, Pending& pending, std::uint32_t events) {
  if (pending.events == events) return;
  epoll_event event{};
  event.events = pending.events = events;
  event.data.fd = fd;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event);
}

void ConnectionAdmission::drop(int fd, const std::string& reason, bool log) {
  const std::string peer = pending_.at(fd).peer_address;
  forget(fd);
  ::close(fd);
  if (log) refuse(peer, reason);
}

void ConnectionAdmission::inspect(int fd) {
  Pending& pending = pending_.at(fd);
  if (pending.tls) {
    inspectTls(fd, pending);
    return;
  }
  std::size_t needed = 0;
  const RequestState state = inspectAssociationRequest(fd, options_.max_request_bytes, &needed);
  switch (state) {
    case RequestState::kIncomplete:
      // Wake up only once the whole request is there (Linux honours SO_RCVLOWAT for epoll);
      // a peer trickling bytes costs nothing until then. Closing still wakes us (RDHUP).
      if (needed != pending.low_watermark) {
        setLowWatermark(fd, needed);
        pending.low_watermark = needed;
      }
      return;
    case RequestState::kClosed:
    case RequestState::kNotDicom:
    case RequestState::kTooLarge:
      drop(fd, toString(state), true);
      return;
    case RequestState::kComplete:
      break;
  }
  setLowWatermark(fd, 1);
  admit(fd, pending);
}

void ConnectionAdmission::inspectTls(int fd, Pending& pending) {
  // Level-triggered epoll: each wake-up takes the handshake (then the request) as far as the
  // bytes that have arrived allow, and says what to wait for next.
  const TlsSession::Step step = pending.tls->advance(options_.max_request_bytes);
  switch (step) {
    case TlsSession::Step::kWantRead:
      watch(fd, pending, EPOLLIN | EPOLLRDHUP);
      return;
    case TlsSession::Step::kWantWrite:
      watch(fd, pending, EPOLLOUT | EPOLLRDHUP);
      return;
    case TlsSession::Step::kFailed:
      drop(fd,
           std::string(pending.tls->handshakeDone() ? "TLS error: " : "TLS handshake failed: ") +
               pending.tls->error(),
           true);
      return;
    case TlsSession::Step::kClosed:
    case TlsSession::Step::kNotDicom:
    case TlsSession::Step::kTooLarge:
      drop(fd, toString(step), true);
      return;
    case TlsSession::Step::kComplete:
      break;
  }
  admit(fd, pending);
}

void ConnectionAdmission::admit(int fd, Pending& pending) {
  AdmittedConnection admitted{fd, pending.peer_address, pending.peer_port, pending.accepted,
                              pending.tls};
  forget(fd);  // `pending` is gone from here on
  setBlocking(fd);
  const Handoff result = handoff_(admitted);
  if (result == Handoff::kQueued) return;
  rejectBusy(fd, options_.max_request_bytes, admitted.tls.get());
  refuse(admitted.peer_address, result == Handoff::kBusy
                                    ? "every worker busy"
                                    : "this address holds its share of the associations");
}

void ConnectionAdmission::expire() {
  const auto now = Clock::now();
  std::vector<int> late;
  for (const auto& [fd, pending] : pending_) {
    if (pending.deadline <= now) late.push_back(fd);
  }
  for (const int fd : late) {
    const auto& tls = pending_.at(fd).tls;
    drop(fd,
         tls && !tls->handshakeDone() ? "TLS handshake timed out"
                                      : toString(RequestState::kIncomplete),
         true);
  }
}

}  // namespace gateway::dicom
