#pragma once

#include <dcmtk/dcmnet/assoc.h>

#include <atomic>
#include <boost/thread/thread.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/config/gateway_config.h"
#include "common/dicom/access_policy.h"
#include "common/dicom/batching_connection.h"
#include "common/dicom/connection_admission.h"
#include "common/dicom/dimse_session.h"
#include "common/dicom/providers.h"
#include "common/dicom/remote_ae_table.h"
#include "common/dicom/service_observer.h"
#include "common/dicom/tcp_listener.h"
#include "common/dicom/tls_server_context.h"
#include "common/logging/rate_limited_log.h"

namespace spdlog {
class logger;
}

namespace gateway::dicom {

// An abstract syntax a service accepts, tagged with the service it belongs to: a calling AE
// gets its presentation context only if it may use that service (ADR 0015).
struct OfferedSyntax {
  std::string uid;
  config::AeService service;
};

// The part of a DICOM service the server needs: what it negotiates and who handles it.
class DicomService {
 public:
  virtual ~DicomService() = default;
  // Abstract syntaxes to accept (Verification is always added, for every AE let in), in any
  // order.
  virtual std::vector<OfferedSyntax> abstractSyntaxes() const = 0;
  // Transfer syntaxes to accept, most preferred first.
  virtual std::vector<std::string> transferSyntaxes() const = 0;
  // Called on the association's worker thread once the association is acknowledged.
  virtual std::unique_ptr<AssociationHandler> createHandler(const AssociationContext& context) = 0;
  // True when the peer may act as SCP of this class on the association (SCP/SCU role
  // selection, PS3.7 D.3.3.4): storage classes for C-GET, commitment reports. Default: no;
  // a context proposed with the SCP role is then accepted with the default role.
  virtual bool acceptsPeerScpRole(const std::string& /*abstract_syntax*/) const { return false; }
};

struct ServerOptions {
  std::string name;  // "pacs" or "mwl": thread names and log lines
  std::string aet;
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 0;  // 0: an ephemeral port (tests)
  config::NetworkSettings network;
  DatasetLimits limits;  // what a peer may make us hold (max sizes, nesting depth)
  // Who may associate (ADR 0015): the policy, the called AE titles accepted besides `aet`,
  // and the table of known AEs (shared by the servers of one process; never null).
  config::AccessPolicy access = config::AccessPolicy::kOpen;
  std::vector<std::string> aet_aliases;
  std::shared_ptr<const RemoteAeTable> known_aes = std::make_shared<RemoteAeTable>();
  // Set: this port speaks DICOM TLS only, with these credentials.
  std::optional<config::TlsSettings> tls;
  // Told of every association and answered request (service_observer.h); null: nobody.
  // Must outlive the server.
  ServiceObserver* observer = nullptr;
};

// The limits of every kind of dataset, from the configuration.
DatasetLimits datasetLimits(const config::GatewayConfig& config);

// Stack of every worker thread: DCMTK parses datasets recursively, and although every
// dataset is pre-scanned for its depth before DCMTK sees it, a depth limit configured too
// high must fail safely rather than overflow a default 8 MiB stack.
inline constexpr std::size_t kWorkerStackBytes = 256ULL << 20;

// Owns a listening socket, the admission thread and a fixed pool of worker threads, and runs
// the ACSE/DIMSE side of every association; the service only sees requests through its
// providers (providers.h). One server per listening port: a service with a plain and a TLS
// port runs two, sharing the DicomService.
//
// Threads: start() launches "<name>-accept" (ConnectionAdmission: one epoll set holding every
// connection until its whole association request has arrived) and max_associations workers
// "<name>-w<N>" (Boost.Thread, with kWorkerStackBytes of stack), which negotiate and run the
// association (DimseSession). A complete request that finds every worker busy, or its source
// address at its share, gets a transient A-ASSOCIATE-RJ from the admission thread. On a TLS
// port the admission thread also does the TLS handshake (TlsSession), so it never holds a
// worker either. The access decision (access_policy.h) is taken on the worker, where the
// calling AE title and the source address are both known, before anything is negotiated.
class DicomServer {
 public:
  DicomServer(ServerOptions options, DicomService& service, spdlog::logger& logger);
  ~DicomServer();  // stop(0s) if still running
  DicomServer(const DicomServer&) = delete;
  DicomServer& operator=(const DicomServer&) = delete;

  // Binds the port (and, on a TLS port, loads the credentials); throws std::runtime_error
  // (e.g. port in use, an unusable certificate) before any thread starts.
  void bind();
  std::uint16_t port() const { return listener_.port(); }
  void start();

  // Stops accepting at once; associations finish their current command and are then
  // aborted; after `grace` the sockets of any still running are shut down. Joins all threads.
  void stop(std::chrono::seconds grace);

  // Associations currently running (tests, health).
  int activeAssociations() const { return active_.load(); }

 private:
  Handoff offer(AdmittedConnection& connection);
  void workerLoop(int index);
  void serveConnection(const AdmittedConnection& connection);
  void runAssociation(T_ASC_Association* assoc, const AssociationContext& context, int socket,
                      const PeerCertificate* certificate);
  void forgetSocket(int fd);
  void releaseAddress(const std::string& address);
  void reportRefused(const AssociationContext& context, const std::string& reason) const;

  ServerOptions options_;
  DicomService& service_;
  spdlog::logger& logger_;
  TcpListener listener_;
  T_ASC_Network* network_ = nullptr;
  std::unique_ptr<TlsServerContext> tls_;   // TLS port; outlives network_, which uses it
  BatchingTransportLayer plain_transport_;  // a port without TLS; the same
  AccessRules access_;
  SessionOptions session_options_;
  logging::RateLimitedLog refusals_;

  std::atomic<bool> stopping_{false};
  std::atomic<int> active_{0};  // associations admitted (acknowledged) right now
  std::atomic<std::uint64_t> next_id_{1};

  // Connections handed to workers and not yet finished, in all and per source address.
  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<AdmittedConnection> queue_;
  int busy_ = 0;  // queued + being served; guarded by queue_mutex_
  std::map<std::string, int> per_address_;

  // Sockets of running associations, so stop() can shut them down after the grace period.
  // An fd leaves this set before DCMTK closes it, so we never touch a reused descriptor.
  std::mutex sockets_mutex_;
  std::set<int> sockets_;

  std::unique_ptr<ConnectionAdmission> admission_;
  std::thread admission_thread_;
  std::vector<std::unique_ptr<boost::thread>> workers_;
};

}  // namespace gateway::dicom
