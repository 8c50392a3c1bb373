#include "common/dicom/dicom_server.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/dul.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "common/config/value_parsers.h"
#include "common/dicom/association_request_gate.h"
#include "common/dicom/dcmtk_globals.h"
#include "common/logging/logging.h"

namespace gateway::dicom {
namespace {

// Workers beyond max_associations, kept to answer surplus requests with a proper
// transient A-ASSOCIATE-RJ instead of a silent close.
constexpr int kRejectWorkers = 2;
constexpr auto kAcceptPoll = std::chrono::milliseconds(200);
constexpr int kIdlePollSeconds = 1;

// dcmExternalSocketHandle is a process-wide DCMTK global read by ASC_receiveAssociation
// and ASC_initializeNetwork. Both services set it, so every use is under this one mutex.
// The critical section only parses a request that is already fully buffered.
std::mutex& externalSocketMutex() {
  static std::mutex mutex;
  return mutex;
}

using Clock = std::chrono::steady_clock;

long long millisecondsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// Sends A-ABORT and closes at once. DCMTK's abort waits (up to the ACSE timeout) for the
// peer to close its end; shutting down our read side first ends that wait immediately,
// which keeps shutdown and idle-timeout handling prompt.
void abortNow(T_ASC_Association* assoc, int fd) {
  ::shutdown(fd, SHUT_RD);
  ASC_abortAssociation(assoc);
}

void rejectAssociation(T_ASC_Association* assoc, T_ASC_RejectParametersResult result,
                       T_ASC_RejectParametersSource source, T_ASC_RejectParametersReason reason) {
  T_ASC_RejectParameters rej{result, source, reason};
  ASC_rejectAssociation(assoc, &rej);
}

}  // namespace

DicomServer::DicomServer(ServerOptions options, DicomService& service, spdlog::logger& logger)
    : options_(std::move(options)), service_(service), logger_(logger) {}

DicomServer::~DicomServer() {
  if (accept_thread_.joinable() || !workers_.empty()) stop(std::chrono::seconds(0));
  if (network_ != nullptr) ASC_dropNetwork(&network_);
}

void DicomServer::bind() {
  listener_.bind(options_.bind_address, options_.port);
  std::lock_guard lock(externalSocketMutex());
  // While dcmExternalSocketHandle holds a socket, DCMTK creates the acceptor network
  // without a listening socket of its own: we do the listening.
  dcmExternalSocketHandle.set(STDERR_FILENO);
  const OFCondition cond =
      ASC_initializeNetwork(NET_ACCEPTOR, static_cast<int>(listener_.port()),
                            static_cast<int>(options_.network.acse_timeout.count()), &network_);
  dcmExternalSocketHandle.set(DCMNET_INVALID_SOCKET);
  if (cond.bad()) {
    listener_.close();
    throw std::runtime_error("cannot initialise the DICOM network layer: " +
                             std::string(cond.text()));
  }
}

void DicomServer::start() {
  if (network_ == nullptr) bind();
  stopping_ = false;
  const int worker_count = options_.network.max_associations + kRejectWorkers;
  for (int i = 0; i < worker_count; ++i) workers_.emplace_back([this, i] { workerLoop(i + 1); });
  accept_thread_ = std::thread([this] { acceptLoop(); });
  logger_.info("listening service={} aet={} address={}:{} workers={}", options_.name, options_.aet,
               options_.bind_address, port(), worker_count);
}

void DicomServer::stop(std::chrono::seconds grace) {
  stopping_ = true;
  queue_cv_.notify_all();
  if (accept_thread_.joinable()) accept_thread_.join();
  listener_.close();

  const auto deadline = Clock::now() + grace;
  for (int i = 0; i < 100000 && busy_.load() > 0 && Clock::now() < deadline; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (busy_.load() > 0) {
    std::lock_guard lock(sockets_mutex_);
    logger_.warn("shutdown grace over service={} cutting_connections={}", options_.name,
                 sockets_.size());
    for (const int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& worker : workers_) worker.join();
  workers_.clear();
  {
    std::lock_guard lock(queue_mutex_);
    for (const auto& pending : queue_) ::close(pending.fd);
    queue_.clear();
  }
}

void DicomServer::acceptLoop() {
  logging::setThreadName(options_.name + "-accept");
  const std::size_t capacity = workers_.size();
  while (!stopping_) {
    auto connection = listener_.accept(kAcceptPoll);
    if (!connection) continue;
    bool queued = false;
    {
      std::lock_guard lock(queue_mutex_);
      if (static_cast<std::size_t>(busy_.load()) + queue_.size() < capacity) {
        queue_.push_back(*connection);
        queued = true;
      }
    }
    if (queued) {
      queue_cv_.notify_one();
    } else {
      ::close(connection->fd);
      logger_.warn("connection refused service={} peer={} reason=\"every worker busy\"",
                   options_.name, connection->peer_address);
    }
  }
}

void DicomServer::workerLoop(int index) {
  logging::setThreadName(options_.name + "-w" + std::to_string(index));
  while (true) {
    TcpListener::Accepted connection{};
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [this] { return stopping_.load() || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left to answer
      connection = queue_.front();
      queue_.pop_front();
      ++busy_;
    }
    try {
      serveConnection(connection);
    } catch (const std::exception& e) {
      logger_.error("association failed service={} peer={} error=\"{}\"", options_.name,
                    connection.peer_address, e.what());
    }
    --busy_;
  }
}

void DicomServer::forgetSocket(int fd) {
  std::lock_guard lock(sockets_mutex_);
  sockets_.erase(fd);
}

void DicomServer::serveConnection(const TcpListener::Accepted& connection) {
  const auto started = Clock::now();
  {
    std::lock_guard lock(sockets_mutex_);
    sockets_.insert(connection.fd);
  }
  const GateResult gate = waitForAssociationRequest(
      connection.fd, started + options_.network.acse_timeout, kMaxAssociateRequestBytes);
  if (gate != GateResult::kComplete) {
    forgetSocket(connection.fd);
    ::close(connection.fd);
    logger_.info("association refused service={} peer={} reason=\"{}\" duration_ms={}",
                 options_.name, connection.peer_address, toString(gate),
                 millisecondsSince(started));
    return;
  }

  T_ASC_Association* assoc = nullptr;
  OFCondition cond;
  {
    std::lock_guard lock(externalSocketMutex());
    dcmExternalSocketHandle.set(connection.fd);
    cond =
        ASC_receiveAssociation(network_, &assoc, static_cast<int>(options_.network.max_pdu_size));
    dcmExternalSocketHandle.set(DCMNET_INVALID_SOCKET);
  }
  // From here on DCMTK owns (and closes) the socket; it stays in sockets_ until just
  // before DCMTK closes it.
  if (cond.bad()) {
    forgetSocket(connection.fd);
    if (assoc == nullptr || assoc->DULassociation == nullptr) ::close(connection.fd);
    if (assoc != nullptr) {
      ASC_dropAssociation(assoc);
      ASC_destroyAssociation(&assoc);
    }
    logger_.info("association refused service={} peer={} reason=\"{}\"", options_.name,
                 connection.peer_address, cond.text());
    return;
  }

  AssociationContext context;
  context.id = next_id_++;
  context.peer_address = connection.peer_address;
  context.calling_aet = config::trim(assoc->params->DULparams.callingAPTitle);
  context.called_aet = config::trim(assoc->params->DULparams.calledAPTitle);
  context.assoc = assoc;
  context.dimse_timeout = options_.network.dimse_timeout;
  context.socket = connection.fd;

  runAssociation(assoc, context);

  forgetSocket(connection.fd);
  ASC_dropAssociation(assoc);
  ASC_destroyAssociation(&assoc);
}

void DicomServer::runAssociation(T_ASC_Association* assoc, AssociationContext& context) {
  const auto started = Clock::now();
  auto refuse = [&](const char* why, T_ASC_RejectParametersResult result,
                    T_ASC_RejectParametersSource source, T_ASC_RejectParametersReason reason) {
    rejectAssociation(assoc, result, source, reason);
    logger_.info("association rejected service={} id={} peer={} calling={} called={} reason=\"{}\"",
                 options_.name, context.id, context.peer_address, context.calling_aet,
                 context.called_aet, why);
  };

  char app_context[128] = {0};
  ASC_getApplicationContextName(assoc->params, app_context, sizeof(app_context));
  if (std::string(app_context) != UID_StandardApplicationContext) {
    refuse("application context not supported", ASC_RESULT_REJECTEDPERMANENT,
           ASC_SOURCE_SERVICEUSER, ASC_REASON_SU_APPCONTEXTNAMENOTSUPPORTED);
    return;
  }
  if (context.called_aet != options_.aet) {
    refuse("called AE title not recognized", ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER,
           ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED);
    return;
  }
  if (stopping_) {
    refuse("shutting down", ASC_RESULT_REJECTEDTRANSIENT,
           ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED, ASC_REASON_SP_PRES_TEMPORARYCONGESTION);
    return;
  }
  if (active_.fetch_add(1) >= options_.network.max_associations) {
    --active_;
    refuse("too many concurrent associations", ASC_RESULT_REJECTEDTRANSIENT,
           ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED, ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED);
    return;
  }
  struct ActiveGuard {
    std::atomic<int>& counter;
    ~ActiveGuard() { --counter; }
  } active_guard{active_};

  // Negotiate: Verification always, then the service's own abstract syntaxes.
  const char* echo_syntax[] = {UID_VerificationSOPClass};
  const char* echo_transfer[] = {UID_LittleEndianExplicitTransferSyntax,
                                 UID_LittleEndianImplicitTransferSyntax};
  OFCondition cond = ASC_acceptContextsWithPreferredTransferSyntaxes(assoc->params, echo_syntax, 1,
                                                                     echo_transfer, 2);
  const auto abstract = service_.abstractSyntaxes();
  const auto transfer = service_.transferSyntaxes();
  std::vector<const char*> abstract_c;
  std::vector<const char*> transfer_c;
  for (const auto& s : abstract) abstract_c.push_back(s.c_str());
  for (const auto& s : transfer) transfer_c.push_back(s.c_str());
  if (cond.good() && !abstract_c.empty()) {
    cond = ASC_acceptContextsWithPreferredTransferSyntaxes(
        assoc->params, abstract_c.data(), static_cast<int>(abstract_c.size()), transfer_c.data(),
        static_cast<int>(transfer_c.size()));
  }
  if (cond.bad() || ASC_countAcceptedPresentationContexts(assoc->params) == 0) {
    refuse("no acceptable presentation context", ASC_RESULT_REJECTEDPERMANENT,
           ASC_SOURCE_SERVICEUSER, ASC_REASON_SU_NOREASON);
    return;
  }
  cond = ASC_acknowledgeAssociation(assoc);
  if (cond.bad()) {
    logger_.info("association failed service={} id={} peer={} reason=\"{}\"", options_.name,
                 context.id, context.peer_address, cond.text());
    return;
  }
  logger_.debug("association accepted service={} id={} peer={} calling={} contexts={}",
                options_.name, context.id, context.peer_address, context.calling_aet,
                ASC_countAcceptedPresentationContexts(assoc->params));

  std::unique_ptr<AssociationHandler> handler = service_.createHandler(context);
  std::string outcome;
  auto last_activity = Clock::now();
  for (;;) {
    if (stopping_) {
      outcome = "aborted (server shutting down)";
      abortNow(assoc, context.socket);
      break;
    }
    if (!ASC_dataWaiting(assoc, kIdlePollSeconds)) {
      if (Clock::now() - last_activity > options_.network.idle_timeout) {
        outcome = "aborted (idle timeout)";
        abortNow(assoc, context.socket);
        break;
      }
      continue;
    }
    T_DIMSE_Message request{};
    T_ASC_PresentationContextID presentation_id = 0;
    DcmDataset* status_detail = nullptr;
    cond = DIMSE_receiveCommand(assoc, DIMSE_NONBLOCKING,
                                static_cast<int>(options_.network.dimse_timeout.count()),
                                &presentation_id, &request, &status_detail);
    delete status_detail;
    if (cond == DUL_PEERREQUESTEDRELEASE) {
      ASC_acknowledgeRelease(assoc);
      outcome = "released";
      break;
    }
    if (cond == DUL_PEERABORTEDASSOCIATION) {
      outcome = "aborted by peer";
      break;
    }
    if (cond.bad()) {
      outcome = std::string("aborted (") + cond.text() + ")";
      abortNow(assoc, context.socket);
      break;
    }
    last_activity = Clock::now();
    if (request.CommandField == DIMSE_C_ECHO_RQ) {
      cond = DIMSE_sendEchoResponse(assoc, presentation_id, &request.msg.CEchoRQ, STATUS_Success,
                                    nullptr);
    } else {
      try {
        cond = handler->handleCommand(request, presentation_id);
      } catch (const std::exception& e) {
        cond = makeOFCondition(0, 1, OF_error, e.what());
      }
    }
    if (cond.bad()) {
      outcome = std::string("aborted (") + cond.text() + ")";
      abortNow(assoc, context.socket);
      break;
    }
    last_activity = Clock::now();
  }
  logger_.info(
      "association closed service={} id={} peer={} calling={} called={} outcome=\"{}\" "
      "duration_ms={} {}",
      options_.name, context.id, context.peer_address, context.calling_aet, context.called_aet,
      outcome, millisecondsSince(started), handler->summary());
}

}  // namespace gateway::dicom
