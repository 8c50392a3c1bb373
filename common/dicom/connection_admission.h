#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/dicom/tcp_listener.h"
#include "common/dicom/tls_session.h"
#include "common/logging/rate_limited_log.h"

namespace gateway::dicom {

struct AdmissionOptions {
  std::string service;                               // "pacs", "mwl": log lines
  std::chrono::milliseconds request_timeout{10000};  // the ACSE deadline for the whole request
  std::size_t max_request_bytes = 65536;
  int max_pending = 64;             // connections still sending their request, in all
  int max_pending_per_address = 8;  // ... from one source address
  // Set on a TLS port: every connection first completes a TLS handshake (TlsSession) within
  // the same deadline, and its request is read through the session.
  ssl_ctx_st* tls = nullptr;
};

// A connection whose whole A-ASSOCIATE-RQ is buffered: ready for a worker. Its socket is
// blocking again, as DCMTK expects.
struct AdmittedConnection {
  int fd = -1;
  std::string peer_address;
  std::uint16_t peer_port = 0;
  std::chrono::steady_clock::time_point accepted;
  // TLS port: the established session, holding the request it has read (the socket has it
  // no more). Null on a plain port.
  std::shared_ptr<TlsSession> tls;
};

// What the server did with an admitted connection.
enum class Handoff {
  kQueued,        // a worker has it
  kBusy,          // every worker is busy: transient A-ASSOCIATE-RJ (local limit exceeded)
  kAddressLimit,  // that address holds its share already: the same transient reject
};

// The one thread that waits for connections to deliver their association request, so that
// silent, slow or hostile peers never occupy a worker: every accepted socket sits in one epoll
// set until its request is whole (then it is handed to a worker), its deadline passes, it
// closes, or it turns out not to be DICOM. Caps on pending connections, in all and per source
// address, keep one host from taking the room every other host needs. When no worker may
// take a complete request, it answers it here with a transient A-ASSOCIATE-RJ. Every refusal
// goes through a rate-limited log.
class ConnectionAdmission {
 public:
  using HandoffFn = std::function<Handoff(AdmittedConnection&)>;

  ConnectionAdmission(TcpListener& listener, AdmissionOptions options, HandoffFn handoff,
                      logging::RateLimitedLog& refusals);
  ~ConnectionAdmission();  // closes what is still pending
  ConnectionAdmission(const ConnectionAdmission&) = delete;
  ConnectionAdmission& operator=(const ConnectionAdmission&) = delete;

  // Runs until `stopping` is set (seen within ~200 ms).
  void run(const std::atomic<bool>& stopping);

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    std::string peer_address;
    std::uint16_t peer_port = 0;
    Clock::time_point accepted;
    Clock::time_point deadline;
    std::size_t low_watermark = 0;
    std::shared_ptr<TlsSession> tls;  // TLS port: the handshake in progress
    std::uint32_t events = 0;         // what epoll waits for on it
  };

  void acceptNew();
  void inspect(int fd);
  void inspectTls(int fd, Pending& pending);
  void admit(int fd, Pending& pending);
  void watch(int fd, Pending& pending, std::uint32_t events);
  void expire();
  void drop(int fd, const std::string& reason, bool log);
  void forget(int fd);
  void refuse(const std::string& peer, const std::string& reason);

  TcpListener& listener_;
  AdmissionOptions options_;
  HandoffFn handoff_;
  logging::RateLimitedLog& refusals_;
  int epoll_fd_ = -1;
  std::map<int, Pending> pending_;
  std::map<std::string, int> pending_per_address_;
};

// Answers a buffered association request with A-ASSOCIATE-RJ transient, service provider
// (presentation), local limit exceeded, and closes the socket. The request is read first, so
// the close sends FIN, not RST, and the peer gets to read the rejection. On a TLS port the
// request has been read already and the rejection goes through `tls`.
void rejectBusy(int fd, std::size_t max_request_bytes, TlsSession* tls = nullptr);

}  // namespace gateway::dicom
