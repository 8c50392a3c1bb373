#pragma once

#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/config/gateway_config.h"
#include "common/dicom/tcp_listener.h"

namespace spdlog {
class logger;
}

namespace gateway::dicom {

// What a handler knows about the association it serves.
struct AssociationContext {
  std::uint64_t id = 0;
  std::string peer_address;
  std::string calling_aet;
  std::string called_aet;
  T_ASC_Association* assoc = nullptr;
  int socket = -1;  // owned by DCMTK; only for shutdown()
  std::chrono::seconds dimse_timeout{30};
};

// Handles the DIMSE commands of one association. Created for, and used only by, the worker
// thread that runs that association. C-ECHO never reaches it: the server answers it.
class AssociationHandler {
 public:
  virtual ~AssociationHandler() = default;
  // Handles one command including its dataset and the response. May throw: the server
  // logs it and aborts the association. A bad condition also aborts it.
  virtual OFCondition handleCommand(T_DIMSE_Message& request,
                                    T_ASC_PresentationContextID presentation_id) = 0;
  // "key=value ..." counters for the association's closing log line.
  virtual std::string summary() const { return {}; }
};

// The part of a DICOM service the server needs: what it negotiates and who handles it.
class DicomService {
 public:
  virtual ~DicomService() = default;
  // Abstract syntaxes to accept (Verification is always added), in any order.
  virtual std::vector<std::string> abstractSyntaxes() const = 0;
  // Transfer syntaxes to accept, most preferred first.
  virtual std::vector<std::string> transferSyntaxes() const = 0;
  // Called on the association's worker thread once the association is acknowledged.
  virtual std::unique_ptr<AssociationHandler> createHandler(const AssociationContext& context) = 0;
};

struct ServerOptions {
  std::string name;  // "pacs" or "mwl": thread names and log lines
  std::string aet;
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 0;  // 0: an ephemeral port (tests)
  config::NetworkSettings network;
};

// Owns a listening socket, an accept thread and a fixed pool of worker threads, and runs the
// ACSE/DIMSE side of every association; the service only sees established associations.
//
// Threads: start() launches "<name>-accept" and "<name>-w<N>". The accept thread never reads
// from a connection: it queues the socket for a worker, which waits (with the ACSE deadline)
// for the whole association request before DCMTK parses it. The pool has
// max_associations + 2 workers: the extra two answer surplus associations with a transient
// reject; connections beyond that are closed at once.
class DicomServer {
 public:
  DicomServer(ServerOptions options, DicomService& service, spdlog::logger& logger);
  ~DicomServer();  // stop(0s) if still running
  DicomServer(const DicomServer&) = delete;
  DicomServer& operator=(const DicomServer&) = delete;

  // Binds the port; throws std::runtime_error (e.g. port in use) before any thread starts.
  void bind();
  std::uint16_t port() const { return listener_.port(); }
  void start();

  // Stops accepting at once; associations finish their current command and are then
  // aborted; after `grace` the sockets of any still running are shut down. Joins all threads.
  void stop(std::chrono::seconds grace);

  // Associations currently running (tests, health).
  int activeAssociations() const { return active_.load(); }

 private:
  void acceptLoop();
  void workerLoop(int index);
  void serveConnection(const TcpListener::Accepted& connection);
  void runAssociation(T_ASC_Association* assoc, AssociationContext& context);
  void forgetSocket(int fd);

  ServerOptions options_;
  DicomService& service_;
  spdlog::logger& logger_;
  TcpListener listener_;
  T_ASC_Network* network_ = nullptr;

  std::atomic<bool> stopping_{false};
  std::atomic<int> active_{0};  // associations admitted (acknowledged) right now
  std::atomic<int> busy_{0};    // workers with a connection
  std::atomic<std::uint64_t> next_id_{1};

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<TcpListener::Accepted> queue_;

  // Sockets of running associations, so stop() can shut them down after the grace period.
  // An fd leaves this set before DCMTK closes it, so we never touch a reused descriptor.
  std::mutex sockets_mutex_;
  std::set<int> sockets_;

  std::thread accept_thread_;
  std::vector<std::thread> workers_;
};

}  // namespace gateway::dicom
