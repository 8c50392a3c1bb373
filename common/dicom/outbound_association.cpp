#include "common/dicom/outbound_association.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/diutil.h>
#include <fmt/format.h>

#include "common/dicom/command_reader.h"
#include "common/dicom/command_writer.h"
#include "common/dicom/store_request.h"
#include "common/logging/peer_text.h"

namespace gateway::dicom {
OutboundAssociation::OutboundAssociation(const OutboundTarget& target,
                                         const std::vector<OutboundContext>& contexts)
    : target_(target) {
  // A throwing constructor runs no destructor: free what connect() got before rethrowing.
  try {
    connect(contexts);
  } catch (...) {
    abort();
    if (network_ != nullptr) ASC_dropNetwork(&network_);
    throw;
  }
}

void OutboundAssociation::connect(const std::vector<OutboundContext>& contexts) {
  const auto& target = target_;
  const auto timeout = static_cast<int>(target.timeout.count());
  OFCondition cond = ASC_initializeNetwork(NET_REQUESTOR, 0, timeout, &network_);
  if (cond.bad()) fail(std::string("cannot initialise the network: ") + cond.text());
  if (target.tls) {
    try {
      tls_layer_ = makeClientTransport(*target.tls);
    } catch (const std::exception& e) {
      fail(e.what());
    }
    cond = ASC_setTransportLayer(network_, tls_layer_.get(), 0);
    if (cond.bad()) fail(std::string("cannot use TLS: ") + cond.text());
  }
  dcmConnectionTimeout.set(static_cast<Sint32>(timeout));
  T_ASC_Parameters* params = nullptr;
  cond = ASC_createAssociationParameters(&params, static_cast<long>(target.max_pdu_size));
  if (cond.bad()) fail(std::string("cannot create the association: ") + cond.text());
  ASC_setAPTitles(params, target.calling_aet.c_str(), target.called_aet.c_str(), nullptr);
  if (target.tls) ASC_setTransportLayerType(params, OFTrue);
  const std::string address = target.host + ":" + std::to_string(target.port);
  ASC_setPresentationAddresses(params, "localhost", address.c_str());
  T_ASC_PresentationContextID id = 1;
  for (const auto& context : contexts) {
    std::vector<const char*> syntaxes;
    for (const auto& ts : context.transfer_syntaxes) syntaxes.push_back(ts.c_str());
    cond = ASC_addPresentationContext(params, id, context.abstract_syntax.c_str(), syntaxes.data(),
                                      static_cast<int>(syntaxes.size()), context.role);
    if (cond.bad()) {
      ASC_destroyAssociationParameters(&params);
      fail(std::string("cannot propose a presentation context: ") + cond.text());
    }
    id = static_cast<T_ASC_PresentationContextID>(id + 2);
  }
  cond = ASC_requestAssociation(network_, params, &assoc_);
  if (cond.bad()) {
    std::string why = cond.text();
    if (cond == DUL_ASSOCIATIONREJECTED) {
      T_ASC_RejectParameters rej{};
      ASC_getRejectParameters(params, &rej);
      why = fmt::format("association rejected (result {}, source {}, reason 0x{:X})",
                        static_cast<int>(rej.result), static_cast<int>(rej.source),
                        static_cast<int>(rej.reason));
    }
    if (assoc_ != nullptr) {
      ASC_destroyAssociation(&assoc_);
    } else {
      ASC_destroyAssociationParameters(&params);
    }
    fail(why);
  }
  if (ASC_countAcceptedPresentationContexts(assoc_->params) == 0) {
    abort();
    throw NoContextAccepted(fmt::format("{}@{}:{}: no presentation context accepted",
                                        target_.called_aet, target_.host, target_.port));
  }
}

OutboundAssociation::~OutboundAssociation() {
  release();
  if (network_ != nullptr) ASC_dropNetwork(&network_);
}

void OutboundAssociation::fail(const std::string& what) {
  throw OutboundError(fmt::format("{}@{}:{}: {}", target_.called_aet, target_.host, target_.port,
                                  logging::escaped(what)));
}

void OutboundAssociation::release() {
  if (assoc_ == nullptr) return;
  if (ASC_releaseAssociation(assoc_).bad()) ASC_abortAssociation(assoc_);
  ASC_destroyAssociation(&assoc_);
}

void OutboundAssociation::abort() {
  if (assoc_ == nullptr) return;
  ASC_abortAssociation(assoc_);
  ASC_destroyAssociation(&assoc_);
}

T_ASC_PresentationContextID OutboundAssociation::contextFor(
    const std::string& abstract_syntax, const std::string& transfer_syntax) const {
  if (assoc_ == nullptr) return 0;
  if (transfer_syntax.empty()) {
    return ASC_findAcceptedPresentationContextID(assoc_, abstract_syntax.c_str());
  }
  return ASC_findAcceptedPresentationContextID(assoc_, abstract_syntax.c_str(),
                                               transfer_syntax.c_str());
}

DimseCommand OutboundAssociation::awaitResponse(std::uint16_t command_field,
                                                std::uint16_t message_id) {
  DimseCommand response;
  const OFCondition cond = readCommand(assoc_, static_cast<int>(target_.timeout.count()), response);
  if (cond.bad()) {
    abort();
    fail(std::string("no response: ") + cond.text());
  }
  if (response.command_field != command_field || response.message_id_responded_to != message_id ||
      !response.status) {
    abort();
    fail("unexpected " + commandName(response.command_field) + " instead of " +
         commandName(command_field));
  }
  return response;
}

OutboundStoreResult OutboundAssociation::storeFile(const std::filesystem::path& file,
                                                   const std::string& sop_class,
                                                   const std::string& sop_instance,
                                                   const std::string& move_originator_aet,
                                                   std::uint16_t move_originator_message_id) {
  if (assoc_ == nullptr) fail("association already closed");
  const std::uint16_t message_id = next_message_id_++;
  StoreSendResult sent;
  const OFCondition cond = sendStoreRequest(assoc_, file, sop_class, sop_instance, message_id,
                                            move_originator_aet, move_originator_message_id, sent);
  if (cond.bad()) {
    abort();
    fail(std::string("C-STORE failed: ") + cond.text());
  }
  OutboundStoreResult result;
  result.transfer_syntax = sent.transfer_syntax;
  result.converted = sent.converted;
  if (!sent.sent) {
    result.status = sent.refusal_status;
    result.error_comment = sent.refusal;
    return result;
  }
  const DimseCommand response = awaitResponse(DIMSE_C_STORE_RSP, message_id);
  result.status = *response.status;
  result.error_comment = response.error_comment;
  return result;
}

std::uint16_t OutboundAssociation::sendEventReport(const std::string& sop_class,
                                                   const std::string& sop_instance,
                                                   std::uint16_t event_type_id,
                                                   DcmDataset& information) {
  if (assoc_ == nullptr) fail("association already closed");
  const T_ASC_PresentationContextID id = contextFor(sop_class);
  if (id == 0) fail("no accepted presentation context for " + sop_class);
  const std::uint16_t message_id = next_message_id_++;
  DcmDataset command;
  command.putAndInsertString(DCM_AffectedSOPClassUID, sop_class.c_str());
  command.putAndInsertUint16(DCM_CommandField, DIMSE_N_EVENT_REPORT_RQ);
  command.putAndInsertUint16(DCM_MessageID, message_id);
  command.putAndInsertUint16(DCM_CommandDataSetType, DIMSE_DATASET_PRESENT);
  command.putAndInsertString(DCM_AffectedSOPInstanceUID, sop_instance.c_str());
  command.putAndInsertUint16(DCM_EventTypeID, event_type_id);
  OFCondition cond = sendCommandSet(assoc_, id, command);
  if (cond.good()) cond = sendDataset(assoc_, id, information);
  if (cond.bad()) {
    abort();
    fail(std::string("N-EVENT-REPORT failed: ") + cond.text());
  }
  return *awaitResponse(DIMSE_N_EVENT_REPORT_RSP, message_id).status;
}

}  // namespace gateway::dicom
