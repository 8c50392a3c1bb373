#include "common/dicom/dicom_server.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/dul.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "common/config/value_parsers.h"
#include "common/dicom/dcmtk_globals.h"
#include "common/logging/logging.h"
#include "common/logging/peer_text.h"

namespace gateway::dicom {
namespace {

using Clock = std::chrono::steady_clock;
using logging::escaped;

// dcmExternalSocketHandle is a process-wide DCMTK global read by ASC_receiveAssociation
// and ASC_initializeNetwork. Both services set it, so every use is under this one mutex.
// The critical section only parses a request that is already fully buffered.
std::mutex& externalSocketMutex() {
  static std::mutex mutex;
  return mutex;
}

long long millisecondsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

void rejectAssociation(T_ASC_Association* assoc, T_ASC_RejectParametersResult result,
                       T_ASC_RejectParametersSource source, T_ASC_RejectParametersReason reason) {
  T_ASC_RejectParameters rej{result, source, reason};
  ASC_rejectAssociation(assoc, &rej);
}

}  // namespace

DatasetLimits datasetLimits(const config::GatewayConfig& config) {
  const auto depth = static_cast<std::size_t>(config.network.max_nesting);
  DatasetLimits limits;
  limits.store = ReceiveLimits{config.pacs.max_object_size, depth, "PACS_MAX_OBJECT_SIZE"};
  limits.find = ReceiveLimits{config.mwl.max_query_size, depth, "MWL_MAX_QUERY_SIZE"};
  limits.normalized =
      ReceiveLimits{config.mwl.max_mpps_dataset_size, depth, "MPPS_MAX_DATASET_SIZE"};
  return limits;
}

DicomServer::DicomServer(ServerOptions options, DicomService& service, spdlog::logger& logger)
    : options_(std::move(options)), service_(service), logger_(logger), refusals_(logger) {
  if (!options_.known_aes) options_.known_aes = std::make_shared<RemoteAeTable>();
  access_.policy = options_.access;
  access_.aet = options_.aet;
  access_.aliases = options_.aet_aliases;
  for (const auto& syntax : service_.abstractSyntaxes()) access_.offered.add(syntax.service);
  session_options_.limits = options_.limits;
  session_options_.dimse_timeout = options_.network.dimse_timeout;
  session_options_.idle_timeout = options_.network.idle_timeout;
  session_options_.observer = options_.observer;
  session_options_.service = options_.name;
}

DicomServer::~DicomServer() {
  if (admission_thread_.joinable() || !workers_.empty()) stop(std::chrono::seconds(0));
  if (network_ != nullptr) ASC_dropNetwork(&network_);
}

void DicomServer::bind() {
  // The credentials first: a certificate problem leaves nothing bound.
  if (options_.tls && !tls_) tls_ = std::make_unique<TlsServerContext>(*options_.tls);
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
  // DCMTK's acceptor asks this layer for each association's connection; it hands over the
  // sessions the admission thread established (the network does not own it).
  // Without TLS, each connection can batch a query's answers into one write() (ADR 0020).
  if (tls_) {
    ASC_setTransportLayer(network_, tls_.get(), 0);
  } else {
    ASC_setTransportLayer(network_, &plain_transport_, 0);
  }
}

void DicomServer::start() {
  if (network_ == nullptr) bind();
  stopping_ = false;
  AdmissionOptions admission;
  admission.service = options_.name;
  admission.request_timeout = options_.network.acse_timeout;
  admission.max_request_bytes = kMaxAssociateRequestBytes;
  admission.max_pending = options_.network.max_pending;
  admission.max_pending_per_address = options_.network.max_pending_per_address;
  admission.tls = tls_ ? tls_->context() : nullptr;
  admission_ = std::make_unique<ConnectionAdmission>(
      listener_, admission, [this](AdmittedConnection& c) { return offer(c); }, refusals_);

  boost::thread::attributes attributes;
  attributes.set_stack_size(kWorkerStackBytes);
  const int worker_count = options_.network.max_associations;
  for (int i = 0; i < worker_count; ++i) {
    workers_.push_back(
        std::make_unique<boost::thread>(attributes, [this, i] { workerLoop(i + 1); }));
  }
  admission_thread_ = std::thread([this] {
    logging::setThreadName(options_.name + "-accept");
    admission_->run(stopping_);
  });
  logger_.info("listening service={} aet={} address={}:{} tls={} access={} workers={}",
               options_.name, options_.aet, options_.bind_address, port(), tls_ ? "bcp195" : "off",
               config::toString(options_.access), worker_count);
}

void DicomServer::stop(std::chrono::seconds grace) {
  stopping_ = true;
  queue_cv_.notify_all();
  if (admission_thread_.joinable()) admission_thread_.join();
  admission_.reset();  // closes connections still sending their request
  listener_.close();

  const auto deadline = Clock::now() + grace;
  auto anyBusy = [this] {
    std::lock_guard lock(queue_mutex_);
    return busy_ > 0;
  };
  for (int i = 0; i < 100000 && anyBusy() && Clock::now() < deadline; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (anyBusy()) {
    std::lock_guard lock(sockets_mutex_);
    logger_.warn("shutdown grace over service={} cutting_connections={}", options_.name,
                 sockets_.size());
    for (const int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& worker : workers_) worker->join();
  workers_.clear();
  {
    std::lock_guard lock(queue_mutex_);
    for (const auto& pending : queue_) ::close(pending.fd);
    queue_.clear();
  }
  refusals_.flush(true);
}

void DicomServer::reportRefused(const AssociationContext& context,
                                const std::string& reason) const {
  if (options_.observer == nullptr) return;
  try {
    options_.observer->associationRefused(options_.name, context, reason);
  } catch (...) {  // counting must never fail the service
  }
}

Handoff DicomServer::offer(AdmittedConnection& connection) {
  AssociationContext refused;
  refused.peer_address = connection.peer_address;
  {
    std::lock_guard lock(queue_mutex_);
    if (busy_ >= static_cast<int>(workers_.size())) {
      reportRefused(refused, "all workers busy");
      return Handoff::kBusy;
    }
    int& from_address = per_address_[connection.peer_address];
    if (from_address >= options_.network.max_associations_per_address) {
      if (from_address == 0) per_address_.erase(connection.peer_address);
      reportRefused(refused, "address at its association limit");
      return Handoff::kAddressLimit;
    }
    ++from_address;
    ++busy_;
    queue_.push_back(connection);
  }
  queue_cv_.notify_one();
  return Handoff::kQueued;
}

void DicomServer::releaseAddress(const std::string& address) {
  std::lock_guard lock(queue_mutex_);
  --busy_;
  auto it = per_address_.find(address);
  if (it != per_address_.end() && --it->second <= 0) per_address_.erase(it);
}

void DicomServer::workerLoop(int index) {
  logging::setThreadName(options_.name + "-w" + std::to_string(index));
  while (true) {
    AdmittedConnection connection;
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [this] { return stopping_.load() || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left to answer
      connection = queue_.front();
      queue_.pop_front();
    }
    try {
      serveConnection(connection);
    } catch (const std::exception& e) {
      logger_.error("association failed service={} peer={} error=\"{}\"", options_.name,
                    connection.peer_address, escaped(e.what()));
    }
    releaseAddress(connection.peer_address);
  }
}

void DicomServer::forgetSocket(int fd) {
  std::lock_guard lock(sockets_mutex_);
  sockets_.erase(fd);
}

void DicomServer::serveConnection(const AdmittedConnection& connection) {
  {
    std::lock_guard lock(sockets_mutex_);
    sockets_.insert(connection.fd);
  }
  T_ASC_Association* assoc = nullptr;
  OFCondition cond;
  // A TLS connection's session goes to DCMTK through the transport layer (createConnection).
  const bool secure = connection.tls != nullptr && tls_ != nullptr;
  if (secure) tls_->handOver(connection.fd, connection.tls);
  {
    std::lock_guard lock(externalSocketMutex());
    dcmExternalSocketHandle.set(connection.fd);
    cond = ASC_receiveAssociation(network_, &assoc, static_cast<int>(options_.network.max_pdu_size),
                                  nullptr, nullptr, secure ? OFTrue : OFFalse);
    dcmExternalSocketHandle.set(DCMNET_INVALID_SOCKET);
  }
  // Still ours: DCMTK failed before it asked for the connection, and never owned the socket.
  const bool never_taken = secure && tls_->withdraw(connection.fd);
  // From here on DCMTK owns (and closes) the socket; it stays in sockets_ until just
  // before DCMTK closes it.
  if (cond.bad()) {
    forgetSocket(connection.fd);
    // DCMTK closes the socket of a connection it created; on a TLS port it created one
    // unless the session was never taken.
    const bool dcmtk_closed = secure && !never_taken;
    if ((assoc == nullptr || assoc->DULassociation == nullptr) && !dcmtk_closed) {
      ::close(connection.fd);
    }
    if (assoc != nullptr) {
      ASC_dropAssociation(assoc);
      ASC_destroyAssociation(&assoc);
    }
    AssociationContext unreadable;
    unreadable.peer_address = connection.peer_address;
    reportRefused(unreadable, "unreadable association request");
    refusals_.event(spdlog::level::info, "unreadable request|" + connection.peer_address,
                    "association refused service=" + options_.name + " peer=" +
                        connection.peer_address + " reason=\"" + escaped(cond.text()) + "\"");
    return;
  }

  AssociationContext context;
  context.id = next_id_++;
  context.peer_address = connection.peer_address;
  context.calling_aet = config::trim(assoc->params->DULparams.callingAPTitle);
  context.called_aet = config::trim(assoc->params->DULparams.calledAPTitle);
  context.tls = secure;
  const PeerCertificate* certificate = nullptr;
  if (secure && connection.tls->peerCertificate()) {
    certificate = &*connection.tls->peerCertificate();
  }

  runAssociation(assoc, context, connection.fd, certificate);

  forgetSocket(connection.fd);
  ASC_dropAssociation(assoc);
  ASC_destroyAssociation(&assoc);
}

void DicomServer::runAssociation(T_ASC_Association* assoc, const AssociationContext& context,
                                 int socket, const PeerCertificate* certificate) {
  const auto started = Clock::now();
  auto refuse = [&](const char* why, T_ASC_RejectParametersResult result,
                    T_ASC_RejectParametersSource source, T_ASC_RejectParametersReason reason,
                    spdlog::level::level_enum level = spdlog::level::info,
                    const std::string& detail = {}) {
    // Logged before the peer reads the rejection, so the line exists once it has.
    refusals_.event(
        level, std::string(why) + "|" + context.peer_address + "|" + context.calling_aet,
        "association rejected service=" + options_.name + " id=" + std::to_string(context.id) +
            " peer=" + context.peer_address + " calling=" + escaped(context.calling_aet) +
            " called=" + escaped(context.called_aet) + " reason=\"" + why + "\"" + detail);
    rejectAssociation(assoc, result, source, reason);
    reportRefused(context, why);
  };

  char app_context[128] = {0};
  ASC_getApplicationContextName(assoc->params, app_context, sizeof(app_context));
  if (std::string(app_context) != UID_StandardApplicationContext) {
    refuse("application context not supported", ASC_RESULT_REJECTEDPERMANENT,
           ASC_SOURCE_SERVICEUSER, ASC_REASON_SU_APPCONTEXTNAMENOTSUPPORTED);
    return;
  }
  const AccessDecision access = decideAccess(
      access_, *options_.known_aes,
      AccessRequest{context.calling_aet, context.called_aet, context.peer_address, certificate});
  if (access.refusal == AccessRefusal::kCalledAeUnknown) {
    refuse("called AE title not recognized", ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER,
           ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED);
    return;
  }
  if (!access.accepted()) {
    // On the wire always "calling AE title not recognized": the caller is not told whether
    // its title, its address, its certificate or its services failed. The log says which.
    std::string detail = " tls=" + std::string(context.tls ? "yes" : "no");
    if (certificate != nullptr) {
      detail += " certificate_subject=\"" + escaped(certificate->subject) +
                "\" certificate_sha256=" + certificate->sha256;
    }
    refuse(toString(access.refusal), ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER,
           ASC_REASON_SU_CALLINGAETITLENOTRECOGNIZED, spdlog::level::warn, detail);
    return;
  }
  if (stopping_) {
    refuse("shutting down", ASC_RESULT_REJECTEDTRANSIENT,
           ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED, ASC_REASON_SP_PRES_TEMPORARYCONGESTION);
    return;
  }
  active_.fetch_add(1);
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
  // Then the service's own, only those of the services this caller may use.
  const auto abstract = service_.abstractSyntaxes();
  const auto transfer = service_.transferSyntaxes();
  std::vector<const char*> abstract_c;
  std::vector<const char*> transfer_c;
  // A caller that may retrieve but not store still receives C-GET sub-operations: it gets
  // the storage contexts it proposes as their SCP, and only as their SCP (below).
  const bool may_retrieve = access.allowed.has(config::AeService::kRetrieve);
  std::set<std::string> get_only;
  for (const auto& s : abstract) {
    if (access.allowed.has(s.service)) {
      abstract_c.push_back(s.uid.c_str());
    } else if (may_retrieve && service_.acceptsPeerScpRole(s.uid)) {
      abstract_c.push_back(s.uid.c_str());
      get_only.insert(s.uid);
    }
  }
  for (const auto& s : transfer) transfer_c.push_back(s.c_str());
  if (cond.good() && !abstract_c.empty()) {
    cond = ASC_acceptContextsWithPreferredTransferSyntaxes(
        assoc->params, abstract_c.data(), static_cast<int>(abstract_c.size()), transfer_c.data(),
        static_cast<int>(transfer_c.size()));
  }
  // Role selection: where the peer proposed to be SCP (or both) and the service allows it,
  // accept that role for the context.
  for (int i = 0; cond.good() && i < ASC_countPresentationContexts(assoc->params); ++i) {
    T_ASC_PresentationContext pc{};
    if (ASC_getPresentationContext(assoc->params, i, &pc).bad() ||
        pc.resultReason != ASC_P_ACCEPTANCE) {
      continue;
    }
    const bool peer_scp =
        pc.proposedRole == ASC_SC_ROLE_SCP || pc.proposedRole == ASC_SC_ROLE_SCUSCP;
    if (get_only.count(pc.abstractSyntax) != 0) {
      // Accepted for C-GET only: the caller receives on it and never sends a C-STORE-RQ.
      cond = peer_scp ? ASC_acceptPresentationContext(assoc->params, pc.presentationContextID,
                                                      pc.acceptedTransferSyntax, ASC_SC_ROLE_SCP)
                      : ASC_refusePresentationContext(assoc->params, pc.presentationContextID,
                                                      ASC_P_ABSTRACTSYNTAXNOTSUPPORTED);
    } else if (peer_scp && service_.acceptsPeerScpRole(pc.abstractSyntax)) {
      cond = ASC_acceptPresentationContext(assoc->params, pc.presentationContextID,
                                           pc.acceptedTransferSyntax, pc.proposedRole);
    }
  }
  if (cond.bad() || ASC_countAcceptedPresentationContexts(assoc->params) == 0) {
    refuse("no acceptable presentation context", ASC_RESULT_REJECTEDPERMANENT,
           ASC_SOURCE_SERVICEUSER, ASC_REASON_SU_NOREASON);
    return;
  }
  cond = ASC_acknowledgeAssociation(assoc);
  if (cond.bad()) {
    logger_.info("association failed service={} id={} peer={} reason=\"{}\"", options_.name,
                 context.id, context.peer_address, escaped(cond.text()));
    return;
  }
  logger_.debug("association accepted service={} id={} peer={} calling={} contexts={} tls={}",
                options_.name, context.id, context.peer_address, escaped(context.calling_aet),
                ASC_countAcceptedPresentationContexts(assoc->params), context.tls ? "yes" : "no");

  std::unique_ptr<AssociationHandler> handler = service_.createHandler(context);
  DimseSession session(assoc, socket, context, *handler, session_options_, logger_, stopping_);
  const std::string outcome = session.run();
  if (options_.observer != nullptr) {
    try {
      options_.observer->associationClosed(
          options_.name, context, outcome,
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started));
    } catch (...) {  // counting must never fail the service
    }
  }
  logger_.info(
      "association closed service={} id={} peer={} calling={} called={} outcome=\"{}\" "
      "duration_ms={} {}",
      options_.name, context.id, context.peer_address, escaped(context.calling_aet),
      escaped(context.called_aet), outcome, millisecondsSince(started), handler->summary());
}

}  // namespace gateway::dicom
