#include "common/dicom/mpps_client.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/dimse.h>

#include <cstdio>
#include <cstring>

namespace gateway::dicom {
namespace {

std::string hexStatus(std::uint16_t status) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%04X", static_cast<unsigned>(status));
  return text;
}

const char* commandName(T_DIMSE_Command command) {
  return command == DIMSE_N_CREATE_RSP ? "N-CREATE" : "N-SET";
}

}  // namespace

bool MppsResponse::ok() const {
  if (!sent) return false;
  return status == 0x0000 || status == 0x0001 || status == 0x0107 || status == 0x0116 ||
         (status & 0xF000) == 0xB000;
}

std::string MppsResponse::describe() const {
  if (!sent) return error;
  std::string text = "status=" + hexStatus(status);
  if (!error_comment.empty()) text += " (" + error_comment + ")";
  return text;
}

MppsClient::MppsClient(const std::string& host, std::uint16_t port, const std::string& calling_aet,
                       const std::string& called_aet, std::chrono::seconds timeout)
    : called_aet_(called_aet) {
  setAETitle(calling_aet.c_str());
  setPeerHostName(host.c_str());
  setPeerPort(port);
  setPeerAETitle(called_aet.c_str());
  const auto seconds = static_cast<Uint32>(timeout.count());
  setConnectionTimeout(static_cast<Sint32>(seconds));
  setACSETimeout(seconds);
  setDIMSETimeout(seconds);
  setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  OFList<OFString> transfer_syntaxes;
  transfer_syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
  transfer_syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
  addPresentationContext(UID_ModalityPerformedProcedureStepSOPClass, transfer_syntaxes);
}

MppsClient::~MppsClient() { release(); }

std::string MppsClient::connect() {
  refused_ = false;
  OFCondition cond = initNetwork();
  if (cond.good()) cond = negotiateAssociation();
  if (cond == NET_EC_NoAcceptablePresentationContexts) {
    refused_ = true;
    release();
    return "MPPS not accepted by " + called_aet_ + " (no presentation context)";
  }
  if (cond.bad()) {
    release();
    return std::string("association with ") + called_aet_ + " failed: " + cond.text();
  }
  presentation_id_ = findPresentationContextID(UID_ModalityPerformedProcedureStepSOPClass, "");
  next_message_id_ = 1;
  if (presentation_id_ == 0) {
    refused_ = true;
    release();
    return "MPPS not accepted by " + called_aet_ + " (no presentation context)";
  }
  return "";
}

void MppsClient::release() {
  if (isConnected()) {
    if (releaseAssociation().bad()) abortAssociation();
  }
  presentation_id_ = 0;
}

namespace {

// Fills the parts N-CREATE-RQ and N-SET-RQ share: message ID, dataset, class and instance
// (Affected for N-CREATE, Requested for N-SET).
template <typename Request>
void fillMppsRequest(Request& request, DIC_US message_id, char (&sop_class)[DIC_UI_LEN + 1],
                     char (&sop_instance)[DIC_UI_LEN + 1], const std::string& instance_uid) {
  request.MessageID = message_id;
  request.DataSetType = DIMSE_DATASET_PRESENT;
  OFStandard::strlcpy(sop_class, UID_ModalityPerformedProcedureStepSOPClass, sizeof(sop_class));
  OFStandard::strlcpy(sop_instance, instance_uid.c_str(), sizeof(sop_instance));
}

}  // namespace

MppsResponse MppsClient::nCreate(const std::string& sop_instance_uid, DcmDataset& attributes) {
  T_DIMSE_Message request;
  std::memset(&request, 0, sizeof(request));
  request.CommandField = DIMSE_N_CREATE_RQ;
  T_DIMSE_N_CreateRQ& create = request.msg.NCreateRQ;
  fillMppsRequest(create, next_message_id_++, create.AffectedSOPClassUID,
                  create.AffectedSOPInstanceUID, sop_instance_uid);
  create.opts = O_NCREATE_AFFECTEDSOPINSTANCEUID;
  return exchange(request, attributes, DIMSE_N_CREATE_RSP);
}

MppsResponse MppsClient::nSet(const std::string& sop_instance_uid, DcmDataset& modifications) {
  T_DIMSE_Message request;
  std::memset(&request, 0, sizeof(request));
  request.CommandField = DIMSE_N_SET_RQ;
  T_DIMSE_N_SetRQ& set = request.msg.NSetRQ;
  fillMppsRequest(set, next_message_id_++, set.RequestedSOPClassUID, set.RequestedSOPInstanceUID,
                  sop_instance_uid);
  return exchange(request, modifications, DIMSE_N_SET_RSP);
}

MppsResponse MppsClient::exchange(T_DIMSE_Message& request, DcmDataset& dataset,
                                  T_DIMSE_Command expected_response) {
  MppsResponse result;
  const char* name = commandName(expected_response);
  if (!isConnected() || presentation_id_ == 0) {
    result.error = std::string(name) + ": no MPPS association";
    return result;
  }
  const DIC_US message_id = expected_response == DIMSE_N_CREATE_RSP
                                ? request.msg.NCreateRQ.MessageID
                                : request.msg.NSetRQ.MessageID;
  OFCondition cond = sendDIMSEMessage(presentation_id_, &request, &dataset);
  if (cond.bad()) {
    result.error = std::string(name) + " request not sent: " + cond.text();
    abortAssociation();
    return result;
  }

  T_DIMSE_Message response;
  std::memset(&response, 0, sizeof(response));
  T_ASC_PresentationContextID response_id = presentation_id_;
  DcmDataset* status_detail = nullptr;
  cond = receiveDIMSECommand(&response_id, &response, &status_detail);
  std::unique_ptr<DcmDataset> detail(status_detail);
  if (cond.bad()) {
    result.error = std::string(name) + " response not received: " + cond.text();
    abortAssociation();
    return result;
  }
  if (response.CommandField != expected_response) {
    char text[96];
    std::snprintf(text, sizeof(text), "%s: unexpected response command 0x%04X", name,
                  static_cast<unsigned>(response.CommandField));
    result.error = text;
    abortAssociation();
    return result;
  }
  DIC_US responded_to = 0;
  T_DIMSE_DataSetType dataset_type = DIMSE_DATASET_NULL;
  auto unpack = [&](const auto& rsp, unsigned instance_flag) {
    responded_to = rsp.MessageIDBeingRespondedTo;
    result.status = rsp.DimseStatus;
    dataset_type = rsp.DataSetType;
    if ((rsp.opts & instance_flag) != 0)
      result.affected_sop_instance_uid = rsp.AffectedSOPInstanceUID;
  };
  if (expected_response == DIMSE_N_CREATE_RSP) {
    unpack(response.msg.NCreateRSP, O_NCREATE_AFFECTEDSOPINSTANCEUID);
  } else {
    unpack(response.msg.NSetRSP, O_NSET_AFFECTEDSOPINSTANCEUID);
  }
  if (detail) {
    OFString comment;
    if (detail->findAndGetOFString(DCM_ErrorComment, comment).good()) {
      result.error_comment = comment.c_str();
    }
  }
  if (dataset_type != DIMSE_DATASET_NULL) {
    // The attribute list follows the command; it must be read before the next request.
    DcmDataset* attributes = nullptr;
    cond = receiveDIMSEDataset(&response_id, &attributes);
    result.attributes.reset(attributes);
    if (cond.bad()) {
      result.error = std::string(name) + " response attribute list not received: " + cond.text();
      abortAssociation();
      return result;
    }
  }
  if (responded_to != message_id) {
    result.error = std::string(name) + " response answers message " + std::to_string(responded_to) +
                   ", not " + std::to_string(message_id);
    abortAssociation();
    return result;
  }
  result.sent = true;
  return result;
}

}  // namespace gateway::dicom
