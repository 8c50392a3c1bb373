#include "common/dicom/dimse_session.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cctype>
#include <functional>
#include <optional>

#include "common/dicom/answer_burst.h"
#include "common/dicom/command_reader.h"
#include "common/dicom/command_writer.h"
#include "common/dicom/dimse_status.h"
#include "common/dicom/service_observer.h"
#include "common/dicom/store_request.h"
#include "common/dicom_values/value_checks.h"
#include "common/logging/peer_text.h"

namespace gateway::dicom {
namespace {

using Clock = std::chrono::steady_clock;
using logging::escaped;
constexpr int kIdlePollSeconds = 1;
// A burst of C-FIND answers is pushed out this often, so the peer decodes the first
// answers while the server builds the rest instead of waiting for the whole burst (ADR 0020).
constexpr std::size_t kAnswersPerPush = 5;

long long millisecondsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// The one place where an exception inside a service becomes a status: logged with the
// association, answered with the command's failure status. Nothing crosses into DCMTK.
template <typename Result>
Result guarded(spdlog::logger& logger, const AssociationContext& context, const char* operation,
               const std::function<Result()>& call,
               const std::function<Result(const std::string&)>& on_failure) {
  try {
    return call();
  } catch (const std::exception& e) {
    logger.error("{} failed id={} peer={} calling={} error=\"{}\"", operation, context.id,
                 context.peer_address, escaped(context.calling_aet), escaped(e.what(), 500));
    return on_failure(e.what());
  } catch (...) {
    logger.error("{} failed id={} peer={} error=\"unknown exception\"", operation, context.id,
                 context.peer_address);
    return on_failure("unknown exception");
  }
}

// What the Error Comment says about a dataset the pre-scan refused.
std::string explain(const ReceivedDataset& received) {
  switch (received.scan_failure) {
    case DatasetScanner::Failure::kTooDeep:
    case DatasetScanner::Failure::kTruncated:
      return "dataset " + received.problem;
    case DatasetScanner::Failure::kMalformed:
      return "dataset cannot be parsed: " + received.problem;
    default:
      return received.problem;
  }
}

void copyUid(char* target, std::size_t size, const std::string& uid) {
  OFStandard::strlcpy(target, uid.c_str(), size);
}

// A UID we may echo back in a response field: valid, at most 64 characters.
bool echoable(const std::string& uid) { return dicom_values::isValidUid(uid); }

}  // namespace

DimseSession::DimseSession(T_ASC_Association* assoc, int socket, const AssociationContext& context,
                           AssociationHandler& handler, const SessionOptions& options,
                           spdlog::logger& logger, const std::atomic<bool>& stopping)
    : assoc_(assoc),
      socket_(socket),
      context_(context),
      handler_(handler),
      options_(options),
      logger_(logger),
      stopping_(stopping),
      timeout_seconds_(static_cast<int>(options.dimse_timeout.count())) {}

void DimseSession::report(const DimseCommand& command, std::uint16_t status,
                          Clock::time_point started, std::uint64_t bytes, std::uint64_t answers,
                          const std::string& comment) const {
  if (options_.observer == nullptr) return;
  AnsweredRequest answered;
  answered.command_field = command.command_field;
  answered.status = status;
  answered.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  answered.bytes = bytes;
  answered.answers = answers;
  answered.comment = comment;
  try {
    options_.observer->requestAnswered(options_.service, context_, answered);
  } catch (...) {  // counting must never fail a request
  }
}

void DimseSession::abortNow() {
  // DCMTK's abort waits (up to the ACSE timeout) for the peer to close its end; shutting
  // down our read side first ends that wait at once, keeping shutdown and timeouts prompt.
  ::shutdown(socket_, SHUT_RD);
  ASC_abortAssociation(assoc_);
}

std::string DimseSession::run() {
  auto last_activity = Clock::now();
  // How the association ended, from a condition that stops it.
  auto ended = [this](const OFCondition& cond) -> std::string {
    if (cond == DUL_PEERREQUESTEDRELEASE) {
      ASC_acknowledgeRelease(assoc_);
      return "released";
    }
    if (cond == DUL_PEERABORTEDASSOCIATION) return "aborted by peer";
    abortNow();
    return "aborted (" + escaped(cond.text()) + ")";
  };
  for (;;) {
    if (stopping_) {
      abortNow();
      return "aborted (server shutting down)";
    }
    if (!ASC_dataWaiting(assoc_, kIdlePollSeconds)) {
      const OFCondition sent = sendOutbound();
      if (sent.bad()) return ended(sent);
      if (Clock::now() - last_activity > options_.idle_timeout) {
        abortNow();
        return "aborted (idle timeout)";
      }
      continue;
    }
    DimseCommand command;
    OFCondition cond = readCommand(assoc_, timeout_seconds_, command);
    if (cond.bad()) return ended(cond);
    last_activity = Clock::now();
    cond = dispatch(command);
    if (cond.good()) cond = sendOutbound();
    if (cond.bad()) return ended(cond);
    last_activity = Clock::now();
  }
}

OFCondition DimseSession::sendOutbound() {
  for (int sent = 0; sent < 64; ++sent) {
    std::optional<OutboundRequest> request = handler_.takeOutbound();
    if (!request) return EC_Normal;
    const OFCondition cond = sendOutbound(*request);
    if (cond.bad()) return cond;
  }
  return EC_Normal;
}

OFCondition DimseSession::sendOutbound(OutboundRequest& request) {
  auto finish = [&request](std::optional<std::uint16_t> status) {
    if (request.done) request.done(status);
    request.done = nullptr;
  };
  const T_ASC_PresentationContextID id =
      ASC_findAcceptedPresentationContextID(assoc_, request.sop_class_uid.c_str());
  if (id == 0 || !request.information) {
    finish(std::nullopt);
    return EC_Normal;  // not for this association; the association itself is fine
  }
  const std::uint16_t message_id = next_message_id_++;
  DcmDataset command;
  command.putAndInsertString(DCM_AffectedSOPClassUID, request.sop_class_uid.c_str());
  command.putAndInsertUint16(DCM_CommandField, DIMSE_N_EVENT_REPORT_RQ);
  command.putAndInsertUint16(DCM_MessageID, message_id);
  command.putAndInsertUint16(DCM_CommandDataSetType, DIMSE_DATASET_PRESENT);
  command.putAndInsertString(DCM_AffectedSOPInstanceUID, request.sop_instance_uid.c_str());
  command.putAndInsertUint16(DCM_EventTypeID, request.event_type_id);
  OFCondition cond = sendCommandSet(assoc_, id, command);
  if (cond.good()) cond = sendDataset(assoc_, id, *request.information);
  if (cond.bad()) {
    finish(std::nullopt);
    return cond;
  }
  // The response; requests the peer sends meanwhile are served as usual.
  for (int round = 0; round < 1000; ++round) {
    DimseCommand next;
    cond = readCommand(assoc_, timeout_seconds_, next);
    if (cond.bad()) {
      finish(std::nullopt);
      return cond;
    }
    if (next.command_field == DIMSE_N_EVENT_REPORT_RSP &&
        next.message_id_responded_to == message_id) {
      logger_.info("n-event-report id={} calling={} sop_instance={} event_type={} status={}",
                   context_.id, escaped(context_.calling_aet), escaped(request.sop_instance_uid),
                   request.event_type_id, status::format(next.status.value_or(0xFFFF)));
      finish(next.status.value_or(0xFFFF));
      return EC_Normal;
    }
    if (!next.isRequest()) continue;  // a stray response: nothing to do with it
    cond = dispatch(next);
    if (cond.bad()) {
      finish(std::nullopt);
      return cond;
    }
  }
  finish(std::nullopt);
  return makeOFCondition(OFM_dcmnet, DIMSEC_UNEXPECTEDRESPONSE, OF_error,
                         "no N-EVENT-REPORT response");
}

OFCondition DimseSession::dispatch(const DimseCommand& command) {
  switch (command.command_field) {
    case DIMSE_C_ECHO_RQ:
      return echo(command);
    case DIMSE_C_STORE_RQ:
      return handler_.store() ? store(command) : unsupported(command);
    case DIMSE_C_FIND_RQ:
      return handler_.find() ? find(command) : unsupported(command);
    case DIMSE_C_MOVE_RQ:
    case DIMSE_C_GET_RQ:
      return handler_.retrieve() ? retrieve(command) : unsupported(command);
    case DIMSE_N_CREATE_RQ:
    case DIMSE_N_SET_RQ:
    case DIMSE_N_ACTION_RQ:
    case DIMSE_N_EVENT_REPORT_RQ:
    case DIMSE_N_GET_RQ:
    case DIMSE_N_DELETE_RQ:
      return handler_.normalized() ? normalized(command) : unsupported(command);
    case DIMSE_C_CANCEL_RQ:
      // A cancel for an operation that is already over: nothing to do (PS3.7 9.3.2.3).
      return EC_Normal;
    default:
      return unsupported(command);
  }
}

std::string DimseSession::transferSyntaxOf(T_ASC_PresentationContextID id) const {
  T_ASC_PresentationContext pc{};
  if (ASC_findAcceptedPresentationContext(assoc_->params, id, &pc).bad()) return {};
  return pc.acceptedTransferSyntax;
}

std::string DimseSession::abstractSyntaxOf(T_ASC_PresentationContextID id) const {
  T_ASC_PresentationContext pc{};
  if (ASC_findAcceptedPresentationContext(assoc_->params, id, &pc).bad()) return {};
  return pc.abstractSyntax;
}

bool DimseSession::peerIsScpOnly(T_ASC_PresentationContextID id) const {
  T_ASC_PresentationContext pc{};
  if (ASC_findAcceptedPresentationContext(assoc_->params, id, &pc).bad()) return false;
  return pc.acceptedRole == ASC_SC_ROLE_SCP;
}

OFCondition DimseSession::drain(const DimseCommand& command) {
  if (!command.has_dataset) return EC_Normal;
  DIC_UL bytes = 0;
  DIC_UL pdvs = 0;
  return DIMSE_ignoreDataSet(assoc_, DIMSE_NONBLOCKING, timeout_seconds_, &bytes, &pdvs);
}

OFCondition DimseSession::echo(const DimseCommand& command) {
  const auto started = Clock::now();
  OFCondition cond = drain(command);
  if (cond.bad()) return cond;
  T_DIMSE_Message response{};
  response.CommandField = DIMSE_C_ECHO_RSP;
  T_DIMSE_C_EchoRSP& rsp = response.msg.CEchoRSP;
  rsp.MessageIDBeingRespondedTo = command.message_id;
  rsp.DimseStatus = status::kSuccess;
  rsp.DataSetType = DIMSE_DATASET_NULL;
  if (echoable(command.affected_sop_class_uid)) {
    copyUid(rsp.AffectedSOPClassUID, sizeof(rsp.AffectedSOPClassUID),
            command.affected_sop_class_uid);
    rsp.opts = O_ECHO_AFFECTEDSOPCLASSUID;
  }
  report(command, status::kSuccess, started, 0, 0, {});
  return DIMSE_sendMessageUsingMemoryData(assoc_, command.presentation_id, &response, nullptr,
                                          nullptr, nullptr, nullptr);
}

OFCondition DimseSession::unsupported(const DimseCommand& command) {
  logger_.warn("unsupported command id={} peer={} calling={} command=\"{}\"", context_.id,
               context_.peer_address, escaped(context_.calling_aet),
               commandName(command.command_field));
  return makeOFCondition(OFM_dcmnet, DIMSEC_BADCOMMANDTYPE, OF_error,
                         ("unsupported command " + commandName(command.command_field)).c_str());
}

// ---- C-STORE ----------------------------------------------------------------------------

OFCondition DimseSession::sendStoreResponse(const DimseCommand& command, const DimseReply& reply,
                                            Clock::time_point started, std::uint64_t bytes) {
  T_DIMSE_Message response{};
  response.CommandField = DIMSE_C_STORE_RSP;
  T_DIMSE_C_StoreRSP& rsp = response.msg.CStoreRSP;
  rsp.MessageIDBeingRespondedTo = command.message_id;
  rsp.DimseStatus = reply.status;
  rsp.DataSetType = DIMSE_DATASET_NULL;
  if (echoable(command.affected_sop_class_uid)) {
    copyUid(rsp.AffectedSOPClassUID, sizeof(rsp.AffectedSOPClassUID),
            command.affected_sop_class_uid);
    rsp.opts |= O_STORE_AFFECTEDSOPCLASSUID;
  }
  if (echoable(command.affected_sop_instance_uid)) {
    copyUid(rsp.AffectedSOPInstanceUID, sizeof(rsp.AffectedSOPInstanceUID),
            command.affected_sop_instance_uid);
    rsp.opts |= O_STORE_AFFECTEDSOPINSTANCEUID;
  }
  const auto detail = statusDetail(reply, ServiceKind::kComposite);
  const char* class_name =
      dcmFindNameOfUID(command.affected_sop_class_uid.c_str(), "unknown SOP class");
  if (!status::isFailure(reply.status)) {
    logger_.info("object id={} sop_class=\"{}\" sop_instance={} bytes={} ms={} status={} {}",
                 context_.id, class_name, escaped(command.affected_sop_instance_uid), bytes,
                 millisecondsSince(started), status::format(reply.status), reply.log_fields);
  } else {
    logger_.warn(
        "object id={} peer={} calling={} sop_class=\"{}\" sop_instance={} bytes={} ms={} "
        "status={} {} error=\"{}\"",
        context_.id, context_.peer_address, escaped(context_.calling_aet), class_name,
        escaped(command.affected_sop_instance_uid), bytes, millisecondsSince(started),
        status::format(reply.status), reply.log_fields, escaped(reply.comment, 500));
  }
  report(command, reply.status, started, bytes, 0, reply.comment);
  return DIMSE_sendMessageUsingMemoryData(assoc_, command.presentation_id, &response, detail.get(),
                                          nullptr, nullptr, nullptr);
}

OFCondition DimseSession::store(const DimseCommand& command) {
  const auto started = Clock::now();
  StoreRequest request;
  request.message_id = command.message_id;
  request.sop_class_uid = command.affected_sop_class_uid;
  request.sop_instance_uid = command.affected_sop_instance_uid;
  request.transfer_syntax_uid = transferSyntaxOf(command.presentation_id);
  request.move_originator_aet = command.move_originator_aet;
  request.move_originator_message_id = command.move_originator_message_id;

  // The command's own sanity comes first: nothing is written for a request we cannot keep.
  auto refuse = [&](const DimseReply& reply) {
    const OFCondition cond = drain(command);
    if (cond.bad()) return cond;
    return sendStoreResponse(command, reply, started, 0);
  };
  if (!command.has_dataset) {
    return sendStoreResponse(
        command,
        DimseReply::failure(status::kCannotUnderstand, "C-STORE request without a dataset"),
        started, 0);
  }
  if (request.sop_instance_uid.empty()) {
    return refuse(
        DimseReply::failure(status::kCannotUnderstand, "Affected SOP Instance UID is missing"));
  }
  if (request.sop_instance_uid.size() > 64) {
    return refuse(DimseReply::failure(status::kCannotUnderstand,
                                      "Affected SOP Instance UID longer than 64 characters"));
  }
  if (!dicom_values::isValidUid(request.sop_instance_uid)) {
    return refuse(DimseReply::failure(status::kCannotUnderstand,
                                      "Affected SOP Instance UID is not a valid UID"));
  }
  if (request.sop_class_uid != abstractSyntaxOf(command.presentation_id)) {
    return refuse(
        DimseReply::failure(status::kSopClassNotSupported,
                            "SOP class differs from the negotiated presentation context"));
  }
  if (peerIsScpOnly(command.presentation_id)) {
    // Negotiated with the caller as SCP only (to receive C-GET sub-operations), PS3.7
    // D.3.3.4: it may not send C-STORE-RQ on it.
    return refuse(DimseReply::failure(status::kNotAuthorized,
                                      "C-STORE on a context where the caller is the SCP (C-GET)"));
  }
  const auto encoding = encodingOfTransferSyntax(request.transfer_syntax_uid);
  if (!encoding) {
    return refuse(DimseReply::failure(status::kCannotUnderstand, "unknown transfer syntax"));
  }

  auto on_failure = [](const std::string&) {
    StoreProvider::Start start;
    start.refusal =
        DimseReply::failure(status::kOutOfResources, "cannot store the object: internal error");
    return start;
  };
  StoreProvider::Start start = guarded<StoreProvider::Start>(
      logger_, context_, "store", [&] { return handler_.store()->beginStore(request); },
      on_failure);
  if (!start.reception) return refuse(start.refusal);

  const ReceivedDataset received =
      receiveDataset(assoc_, command.presentation_id, timeout_seconds_, *encoding,
                     options_.limits.store, *start.reception);
  using Outcome = ReceivedDataset::Outcome;
  DimseReply reply;
  switch (received.outcome) {
    case Outcome::kBroken:
      start.reception.reset();  // nothing kept
      logger_.warn(
          "store interrupted id={} peer={} sop_instance={} received_bytes={} error=\"{}\" "
          "(nothing stored)",
          context_.id, context_.peer_address, escaped(request.sop_instance_uid),
          received.wire_bytes, escaped(received.condition.text()));
      return received.condition;
    case Outcome::kMalformed:
      reply = DimseReply::failure(status::kCannotUnderstand, explain(received));
      break;
    case Outcome::kTooLarge:
      reply = DimseReply::failure(status::kOutOfResources, received.problem);
      break;
    case Outcome::kOtherContext:
      reply = DimseReply::failure(status::kCannotUnderstand, received.problem);
      break;
    case Outcome::kSinkFailed:
      reply = guarded<DimseReply>(
          logger_, context_, "store", [&] { return start.reception->sinkFailure(); },
          [](const std::string&) {
            return DimseReply::failure(status::kOutOfResources, "cannot write the object");
          });
      break;
    case Outcome::kComplete:
      reply = guarded<DimseReply>(
          logger_, context_, "store", [&] { return start.reception->complete(received); },
          [](const std::string&) {
            return DimseReply::failure(status::kOutOfResources,
                                       "cannot store the object: internal error");
          });
      break;
  }
  start.reception.reset();  // a refused copy is gone before the peer hears the answer
  return sendStoreResponse(command, reply, started, received.wire_bytes);
}

// ---- datasets held in memory (C-FIND identifiers, DIMSE-N attribute lists) -----------------

OFCondition DimseSession::receiveInMemory(const DimseCommand& command, const ReceiveLimits& limits,
                                          std::uint16_t malformed_status,
                                          std::uint16_t too_large_status,
                                          std::unique_ptr<DcmDataset>& dataset, DimseReply& refusal,
                                          bool& refused) {
  refused = false;
  dataset = std::make_unique<DcmDataset>();
  if (!command.has_dataset) return EC_Normal;
  const std::string transfer_syntax = transferSyntaxOf(command.presentation_id);
  const auto encoding = encodingOfTransferSyntax(transfer_syntax);
  if (!encoding || encoding->deflated) {
    refused = true;
    refusal = DimseReply::failure(malformed_status, "unsupported transfer syntax");
    return drain(command);
  }
  MemoryDatasetSink sink;
  const ReceivedDataset received =
      receiveDataset(assoc_, command.presentation_id, timeout_seconds_, *encoding, limits, sink);
  using Outcome = ReceivedDataset::Outcome;
  if (received.outcome == Outcome::kBroken) return received.condition;
  if (received.outcome != Outcome::kComplete) {
    refused = true;
    refusal = DimseReply::failure(
        received.outcome == Outcome::kTooLarge ? too_large_status : malformed_status,
        received.outcome == Outcome::kMalformed ? explain(received) : received.problem);
    return EC_Normal;
  }
  try {
    dataset = parseReceivedDataset(sink.bytes(), transfer_syntax);
  } catch (const std::exception& e) {
    refused = true;
    refusal = DimseReply::failure(malformed_status, e.what());
  }
  return EC_Normal;
}

OFCondition DimseSession::receiveIdentifier(const DimseCommand& command,
                                            std::uint16_t too_large_status,
                                            std::unique_ptr<DcmDataset>& identifier,
                                            DimseReply& refusal, bool& refused) {
  if (!command.has_dataset) {
    refused = true;
    refusal = DimseReply::failure(
        status::kIdentifierDoesNotMatchSopClass,
        commandName(command.command_field).substr(0, 6) + " request without an identifier");
    return EC_Normal;
  }
  return receiveInMemory(command, options_.limits.find, status::kIdentifierDoesNotMatchSopClass,
                         too_large_status, identifier, refusal, refused);
}

// ---- C-FIND -----------------------------------------------------------------------------

OFCondition DimseSession::find(const DimseCommand& command) {
  const auto started = Clock::now();
  T_DIMSE_Message response{};
  response.CommandField = DIMSE_C_FIND_RSP;
  T_DIMSE_C_FindRSP& rsp = response.msg.CFindRSP;
  rsp.MessageIDBeingRespondedTo = command.message_id;
  if (echoable(command.affected_sop_class_uid)) {
    copyUid(rsp.AffectedSOPClassUID, sizeof(rsp.AffectedSOPClassUID),
            command.affected_sop_class_uid);
    rsp.opts = O_FIND_AFFECTEDSOPCLASSUID;
  }
  std::size_t sent = 0;
  std::string summary;
  std::optional<AnswerBurst> burst;  // from the first answer to the final response
  auto finalResponse = [&](const DimseReply& reply) {
    rsp.DimseStatus = reply.status;
    rsp.DataSetType = DIMSE_DATASET_NULL;
    const auto detail = statusDetail(reply, ServiceKind::kComposite);
    const auto level = status::isFailure(reply.status) ? spdlog::level::warn : spdlog::level::info;
    logger_.log(level, "query id={} calling={} {}{}sent={} ms={} status={}{}", context_.id,
                escaped(context_.calling_aet), summary,
                reply.log_fields.empty() ? "" : reply.log_fields + " ", sent,
                millisecondsSince(started), status::format(reply.status),
                reply.comment.empty() ? "" : " error=\"" + escaped(reply.comment, 500) + "\"");
    report(command, reply.status, started, 0, sent, reply.comment);
    OFCondition cond = DIMSE_sendMessageUsingMemoryData(assoc_, command.presentation_id, &response,
                                                        detail.get(), nullptr, nullptr, nullptr);
    if (burst && !burst->finish() && cond.good()) {
      cond = makeOFCondition(OFM_dcmnet, DULC_TCPIOERROR, OF_error,
                             "the C-FIND answers could not be sent");
    }
    return cond;
  };

  std::unique_ptr<DcmDataset> identifier;
  DimseReply refusal;
  bool refused = false;
  OFCondition cond =
      receiveIdentifier(command, status::kOutOfResources, identifier, refusal, refused);
  if (cond.bad()) return cond;
  if (refused) return finalResponse(refusal);

  FindRequest request;
  request.message_id = command.message_id;
  request.sop_class_uid = command.affected_sop_class_uid;
  request.priority = command.priority;
  auto find_failed = [](const std::string&) {
    FindProvider::Start start;
    start.refusal = DimseReply::failure(status::kUnableToProcess, "query failed: internal error");
    return start;
  };
  FindProvider::Start start = guarded<FindProvider::Start>(
      logger_, context_, "query", [&] { return handler_.find()->startFind(request, *identifier); },
      find_failed);
  if (!start.query) return finalResponse(start.refusal);
  FindQuery& query = *start.query;
  // The answers and the final response leave in batches, the last one with the final
  // response.
  burst.emplace(assoc_, socket_);

  auto answer_failed = [](const std::string&) {
    return DimseReply::failure(status::kUnableToProcess, "query failed: internal error");
  };
  for (;;) {
    // A C-CANCEL may arrive between any two responses.
    if (ASC_dataWaiting(assoc_, 0)) {
      DimseCommand next;
      cond = readCommand(assoc_, timeout_seconds_, next);
      if (cond.bad()) return cond;
      if (next.command_field != DIMSE_C_CANCEL_RQ ||
          next.message_id_responded_to != command.message_id) {
        return makeOFCondition(
            OFM_dcmnet, DIMSEC_UNEXPECTEDREQUEST, OF_error,
            (commandName(next.command_field) + " received while a C-FIND was being answered")
                .c_str());
      }
      summary = query.summary();
      return finalResponse(DimseReply::failure(status::kCancel, ""));
    }
    bool failed = false;
    std::unique_ptr<DcmDataset> answer = guarded<std::unique_ptr<DcmDataset>>(
        logger_, context_, "query", [&] { return query.next(); },
        [&](const std::string&) {
          failed = true;
          return std::unique_ptr<DcmDataset>();
        });
    if (failed) {
      summary = query.summary();
      return finalResponse(answer_failed(""));
    }
    if (!answer) break;
    rsp.DimseStatus = status::kPending;
    rsp.DataSetType = DIMSE_DATASET_PRESENT;
    cond = DIMSE_sendMessageUsingMemoryData(assoc_, command.presentation_id, &response, nullptr,
                                            answer.get(), nullptr, nullptr);
    if (cond.bad()) return cond;
    ++sent;
    if (sent % kAnswersPerPush == 0 && !burst->push()) {
      return makeOFCondition(OFM_dcmnet, DULC_TCPIOERROR, OF_error,
                             "the C-FIND answers could not be sent");
    }
  }
  summary = query.summary();
  return finalResponse(guarded<DimseReply>(
      logger_, context_, "query", [&] { return query.finish(); }, answer_failed));
}

// ---- DIMSE-N ----------------------------------------------------------------------------

OFCondition DimseSession::normalized(const DimseCommand& command) {
  const auto started = Clock::now();
  const std::uint16_t field = command.command_field;
  NRequest request;
  request.command_field = field;
  request.message_id = command.message_id;
  const bool affected = field == DIMSE_N_CREATE_RQ || field == DIMSE_N_EVENT_REPORT_RQ;
  request.sop_class_uid =
      affected ? command.affected_sop_class_uid : command.requested_sop_class_uid;
  request.sop_instance_uid =
      affected ? command.affected_sop_instance_uid : command.requested_sop_instance_uid;
  request.sop_instance_given = !request.sop_instance_uid.empty();
  request.type_id = field == DIMSE_N_ACTION_RQ ? command.action_type_id : command.event_type_id;

  std::unique_ptr<DcmDataset> dataset;
  NReply outcome;
  bool refused = false;
  OFCondition cond =
      receiveInMemory(command, options_.limits.normalized, status::kProcessingFailure,
                      status::kResourceLimitation, dataset, outcome.reply, refused);
  if (cond.bad()) return cond;
  request.dataset = dataset.get();
  if (!refused && (request.sop_instance_given || field != DIMSE_N_CREATE_RQ) &&
      !dicom_values::isValidUid(request.sop_instance_uid)) {
    // Never renamed, never guessed: an instance the peer cannot name back is refused.
    refused = true;
    outcome.reply = DimseReply::failure(status::kInvalidObjectInstance,
                                        request.sop_instance_uid.empty()
                                            ? "SOP Instance UID is missing"
                                            : "SOP Instance UID is not a valid UID");
  }
  if (!refused) {
    outcome = guarded<NReply>(
        logger_, context_, commandName(field).c_str(),
        [&] { return handler_.normalized()->handle(request); },
        [](const std::string&) {
          NReply failed;
          failed.reply =
              DimseReply::failure(status::kProcessingFailure, "processing failed: internal error");
          return failed;
        });
  }
  if (outcome.sop_instance_uid.empty() && echoable(request.sop_instance_uid)) {
    outcome.sop_instance_uid = request.sop_instance_uid;
  }

  T_DIMSE_Message response{};
  const std::string& klass = request.sop_class_uid;
  const std::string& instance = outcome.sop_instance_uid;
  const bool klass_ok = echoable(klass);
  const bool instance_ok = echoable(instance);
  const T_DIMSE_DataSetType data_type =
      outcome.dataset ? DIMSE_DATASET_PRESENT : DIMSE_DATASET_NULL;
  auto fill = [&](auto& rsp, unsigned class_flag, unsigned instance_flag) {
    rsp.MessageIDBeingRespondedTo = command.message_id;
    rsp.DimseStatus = outcome.reply.status;
    rsp.DataSetType = data_type;
    if (klass_ok) {
      copyUid(rsp.AffectedSOPClassUID, sizeof(rsp.AffectedSOPClassUID), klass);
      rsp.opts |= class_flag;
    }
    if (instance_ok) {
      copyUid(rsp.AffectedSOPInstanceUID, sizeof(rsp.AffectedSOPInstanceUID), instance);
      rsp.opts |= instance_flag;
    }
  };
  auto typed = [&](T_DIMSE_Command response_field, auto& rsp, unsigned class_flag,
                   unsigned instance_flag) {
    response.CommandField = response_field;
    fill(rsp, class_flag, instance_flag);
  };
  // N-ACTION and N-EVENT-REPORT responses echo the request's type ID.
  auto echoType = [&](DIC_US& type_field, unsigned& opts, unsigned flag) {
    if (!request.type_id) return;
    type_field = *request.type_id;
    opts |= flag;
  };
  auto& msg = response.msg;
  switch (field) {
    case DIMSE_N_CREATE_RQ:
      typed(DIMSE_N_CREATE_RSP, msg.NCreateRSP, O_NCREATE_AFFECTEDSOPCLASSUID,
            O_NCREATE_AFFECTEDSOPINSTANCEUID);
      break;
    case DIMSE_N_SET_RQ:
      typed(DIMSE_N_SET_RSP, msg.NSetRSP, O_NSET_AFFECTEDSOPCLASSUID,
            O_NSET_AFFECTEDSOPINSTANCEUID);
      break;
    case DIMSE_N_ACTION_RQ:
      typed(DIMSE_N_ACTION_RSP, msg.NActionRSP, O_NACTION_AFFECTEDSOPCLASSUID,
            O_NACTION_AFFECTEDSOPINSTANCEUID);
      echoType(msg.NActionRSP.ActionTypeID, msg.NActionRSP.opts, O_NACTION_ACTIONTYPEID);
      break;
    case DIMSE_N_EVENT_REPORT_RQ:
      typed(DIMSE_N_EVENT_REPORT_RSP, msg.NEventReportRSP, O_NEVENTREPORT_AFFECTEDSOPCLASSUID,
            O_NEVENTREPORT_AFFECTEDSOPINSTANCEUID);
      echoType(msg.NEventReportRSP.EventTypeID, msg.NEventReportRSP.opts,
               O_NEVENTREPORT_EVENTTYPEID);
      break;
    case DIMSE_N_GET_RQ:
      typed(DIMSE_N_GET_RSP, msg.NGetRSP, O_NGET_AFFECTEDSOPCLASSUID,
            O_NGET_AFFECTEDSOPINSTANCEUID);
      break;
    default:
      typed(DIMSE_N_DELETE_RSP, msg.NDeleteRSP, O_NDELETE_AFFECTEDSOPCLASSUID,
            O_NDELETE_AFFECTEDSOPINSTANCEUID);
      break;
  }

  spdlog::logger* provider_logger = handler_.normalized()->logger();
  spdlog::logger& log = provider_logger != nullptr ? *provider_logger : logger_;
  const DimseReply& reply = outcome.reply;
  std::string name = commandName(field);
  name = name.substr(0, name.size() - 3);  // "N-CREATE-RQ" -> "N-CREATE"
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  log.log(status::isFailure(reply.status) ? spdlog::level::warn : spdlog::level::info,
          "{} id={} calling={} sop_instance={} status={} {}{}", name, context_.id,
          escaped(context_.calling_aet),
          escaped(instance.empty() ? request.sop_instance_uid : instance),
          status::format(reply.status), reply.log_fields,
          reply.comment.empty() ? "" : " error=\"" + escaped(reply.comment, 500) + "\"");
  const auto detail = statusDetail(reply, ServiceKind::kNormalized);
  report(command, reply.status, started, 0, 0, reply.comment);
  return DIMSE_sendMessageUsingMemoryData(assoc_, command.presentation_id, &response, detail.get(),
                                          outcome.dataset.get(), nullptr, nullptr);
}

// ---- C-MOVE / C-GET ----------------------------------------------------------------------

OFCondition DimseSession::retrieve(const DimseCommand& command) {
  const auto started = Clock::now();
  const bool is_move = command.command_field == DIMSE_C_MOVE_RQ;
  const char* verb = is_move ? "move" : "get";
  std::uint16_t remaining = 0;
  std::uint16_t completed = 0;
  std::uint16_t failed = 0;
  std::uint16_t warning = 0;
  std::vector<std::string> failed_uids;

  auto respond = [&](std::uint16_t status_code, bool final, const std::string& comment) {
    T_DIMSE_Message response{};
    unsigned counts_flags = 0;
    auto fill = [&](auto& rsp, unsigned class_flag, unsigned remaining_flag,
                    unsigned completed_flag, unsigned failed_flag, unsigned warning_flag) {
      rsp.MessageIDBeingRespondedTo = command.message_id;
      rsp.DimseStatus = status_code;
      if (echoable(command.affected_sop_class_uid)) {
        copyUid(rsp.AffectedSOPClassUID, sizeof(rsp.AffectedSOPClassUID),
                command.affected_sop_class_uid);
        rsp.opts |= class_flag;
      }
      rsp.NumberOfRemainingSubOperations = remaining;
      rsp.NumberOfCompletedSubOperations = completed;
      rsp.NumberOfFailedSubOperations = failed;
      rsp.NumberOfWarningSubOperations = warning;
      counts_flags = completed_flag | failed_flag | warning_flag | (final ? 0 : remaining_flag);
      rsp.opts |= counts_flags;
    };
    // The Failed SOP Instance UID List goes in an identifier with the final response.
    std::unique_ptr<DcmDataset> identifier;
    if (final && !failed_uids.empty()) {
      identifier = std::make_unique<DcmDataset>();
      std::string list;
      for (const auto& uid : failed_uids) list += (list.empty() ? "" : "\\") + uid;
      identifier->putAndInsertString(DCM_FailedSOPInstanceUIDList, list.c_str());
    }
    const T_DIMSE_DataSetType data_type = identifier ? DIMSE_DATASET_PRESENT : DIMSE_DATASET_NULL;
    if (is_move) {
      response.CommandField = DIMSE_C_MOVE_RSP;
      fill(response.msg.CMoveRSP, O_MOVE_AFFECTEDSOPCLASSUID, O_MOVE_NUMBEROFREMAININGSUBOPERATIONS,
           O_MOVE_NUMBEROFCOMPLETEDSUBOPERATIONS, O_MOVE_NUMBEROFFAILEDSUBOPERATIONS,
           O_MOVE_NUMBEROFWARNINGSUBOPERATIONS);
      response.msg.CMoveRSP.DataSetType = data_type;
    } else {
      response.CommandField = DIMSE_C_GET_RSP;
      fill(response.msg.CGetRSP, O_GET_AFFECTEDSOPCLASSUID, O_GET_NUMBEROFREMAININGSUBOPERATIONS,
           O_GET_NUMBEROFCOMPLETEDSUBOPERATIONS, O_GET_NUMBEROFFAILEDSUBOPERATIONS,
           O_GET_NUMBEROFWARNINGSUBOPERATIONS);
      response.msg.CGetRSP.DataSetType = data_type;
    }
    const DimseReply reply = comment.empty() ? DimseReply{status_code, "", {}, ""}
                                             : DimseReply::failure(status_code, comment);
    const auto detail = final ? statusDetail(reply, ServiceKind::kComposite) : nullptr;
    if (final) {
      const auto level = status::isFailure(status_code) ? spdlog::level::warn : spdlog::level::info;
      logger_.log(level,
                  "{} id={} calling={} destination={} completed={} failed={} warning={} ms={} "
                  "status={}{}",
                  verb, context_.id, escaped(context_.calling_aet),
                  is_move ? escaped(command.move_destination) : std::string("(same association)"),
                  completed, failed, warning, millisecondsSince(started),
                  status::format(status_code),
                  comment.empty() ? "" : " error=\"" + escaped(comment, 500) + "\"");
      report(command, status_code, started, 0, completed, comment);
    }
    return DIMSE_sendMessageUsingMemoryData(assoc_, command.presentation_id, &response,
                                            detail.get(), identifier.get(), nullptr, nullptr);
  };

  std::unique_ptr<DcmDataset> identifier;
  DimseReply refusal;
  bool refused = false;
  OFCondition cond =
      receiveIdentifier(command, status::kOutOfResourcesMatches, identifier, refusal, refused);
  if (cond.bad()) return cond;
  if (refused) return respond(refusal.status, true, refusal.comment);

  RetrieveRequest request;
  request.command_field = command.command_field;
  request.message_id = command.message_id;
  request.sop_class_uid = command.affected_sop_class_uid;
  request.move_destination = command.move_destination;
  request.priority = command.priority;
  RetrieveProvider::Start start = guarded<RetrieveProvider::Start>(
      logger_, context_, verb,
      [&] { return handler_.retrieve()->startRetrieve(request, *identifier); },
      [](const std::string&) {
        RetrieveProvider::Start failed_start;
        failed_start.refused = true;
        failed_start.refusal =
            DimseReply::failure(status::kUnableToProcess, "retrieve failed: internal error");
        return failed_start;
      });
  if (start.refused) return respond(start.refusal.status, true, start.refusal.comment);
  remaining = static_cast<std::uint16_t>(std::min<std::size_t>(start.items.size(), 0xFFFF));
  if (start.items.empty()) return respond(status::kSuccess, true, "");

  // C-MOVE: one association to the destination for every sub-operation.
  std::unique_ptr<OutboundAssociation> destination;
  if (is_move) {
    if (!start.destination) {
      return respond(status::kMoveDestinationUnknown, true, "move destination unknown");
    }
    std::vector<OutboundContext> contexts;
    std::vector<std::string> classes;
    for (const auto& item : start.items) {
      if (std::find(classes.begin(), classes.end(), item.sop_class_uid) == classes.end()) {
        classes.push_back(item.sop_class_uid);
      }
    }
    for (const auto& klass : classes) {
      // What the objects are in (the first one of the class tells), then uncompressed.
      std::string original;
      for (const auto& item : start.items) {
        if (item.sop_class_uid != klass) continue;
        try {
          original = readPart10Layout(item.file).transfer_syntax_uid;
        } catch (const std::exception&) {
        }
        break;
      }
      if (!original.empty()) contexts.push_back({klass, {original}, ASC_SC_ROLE_DEFAULT});
      contexts.push_back(
          {klass,
           {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax},
           ASC_SC_ROLE_DEFAULT});
      if (contexts.size() >= 120) break;  // 128 contexts at most in one request
    }
    try {
      OutboundTarget target = *start.destination;
      target.calling_aet = context_.called_aet;
      target.timeout = options_.dimse_timeout;
      destination = std::make_unique<OutboundAssociation>(target, contexts);
    } catch (const std::exception& e) {
      return respond(status::kOutOfResourcesSubOperations, true,
                     std::string("cannot reach the move destination: ") + e.what());
    }
  }

  bool cancelled = false;
  std::uint16_t sub_message_id = 1;
  for (const auto& item : start.items) {
    // A C-CANCEL may arrive between sub-operations.
    if (ASC_dataWaiting(assoc_, 0)) {
      DimseCommand next;
      cond = readCommand(assoc_, timeout_seconds_, next);
      if (cond.bad()) return cond;
      if (next.command_field == DIMSE_C_CANCEL_RQ &&
          next.message_id_responded_to == command.message_id) {
        cancelled = true;
        break;
      }
      return makeOFCondition(
          OFM_dcmnet, DIMSEC_UNEXPECTEDREQUEST, OF_error,
          (commandName(next.command_field) + " received during a retrieve").c_str());
    }
    std::uint16_t sub_status = 0xFFFF;
    if (is_move) {
      try {
        const auto result =
            destination->storeFile(item.file, item.sop_class_uid, item.sop_instance_uid,
                                   context_.calling_aet, command.message_id);
        sub_status = result.status;
      } catch (const OutboundError& e) {
        logger_.warn("move sub-operation failed id={} sop_instance={} error=\"{}\"", context_.id,
                     item.sop_instance_uid, escaped(e.what()));
        sub_status = status::kOutOfResourcesSubOperations;
        destination.reset();
      }
    } else {
      StoreSendResult sent;
      cond = sendStoreRequest(assoc_, item.file, item.sop_class_uid, item.sop_instance_uid,
                              sub_message_id, "", 0, sent);
      if (cond.bad()) return cond;
      if (!sent.sent) {
        sub_status = sent.refusal_status;
      } else {
        // Its C-STORE-RSP; a C-CANCEL may come first.
        for (;;) {
          DimseCommand next;
          cond = readCommand(assoc_, timeout_seconds_, next);
          if (cond.bad()) return cond;
          if (next.command_field == DIMSE_C_CANCEL_RQ &&
              next.message_id_responded_to == command.message_id) {
            cancelled = true;
            continue;
          }
          if (next.command_field == DIMSE_C_STORE_RSP &&
              next.message_id_responded_to == sub_message_id) {
            sub_status = next.status.value_or(0xFFFF);
            break;
          }
          return makeOFCondition(
              OFM_dcmnet, DIMSEC_UNEXPECTEDREQUEST, OF_error,
              (commandName(next.command_field) + " received during a C-GET").c_str());
        }
      }
      ++sub_message_id;
    }
    --remaining;
    if (status::isSuccess(sub_status)) {
      ++completed;
    } else if (status::isWarning(sub_status)) {
      ++warning;
    } else {
      ++failed;
      failed_uids.push_back(item.sop_instance_uid);
    }
    if (cancelled || (is_move && !destination)) break;
    if (remaining > 0) {
      cond = respond(status::kPending, false, "");
      if (cond.bad()) return cond;
    }
  }
  if (destination) destination->release();
  if (cancelled) return respond(status::kCancel, true, "");
  // Sub-operations that never ran (the destination was lost) count as failed.
  for (std::size_t i = static_cast<std::size_t>(completed + failed + warning);
       i < start.items.size(); ++i) {
    ++failed;
    failed_uids.push_back(start.items[i].sop_instance_uid);
  }
  remaining = 0;
  if (failed > 0 || warning > 0) return respond(status::kSubOperationsFailed, true, "");
  return respond(status::kSuccess, true, "");
}

}  // namespace gateway::dicom
