#include "services/mwl/mpps_exchange.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcvrat.h>

#include "common/config/value_parsers.h"
#include "common/dicom_values/uid_generator.h"
#include "common/dicom_values/value_checks.h"
#include "common/logging/logging.h"
#include "services/mwl/worklist_validation.h"

namespace gateway::mwl {
namespace {

namespace st = mpps_status;
constexpr std::uint16_t kSopClassNotSupported = 0x0122;
constexpr std::uint16_t kInvalidObjectInstance = 0x0117;

// Error Comment and, for attribute errors, the Attribute Identifier List (0000,1005).
std::unique_ptr<DcmDataset> statusDetail(const MppsOutcome& outcome) {
  if (outcome.status == st::kSuccess) return nullptr;
  auto detail = std::make_unique<DcmDataset>();
  if (!outcome.comment.empty()) {
    detail->putAndInsertString(DCM_ErrorComment, outcome.comment.substr(0, 64).c_str());
  }
  if (!outcome.offending.empty()) {
    auto* list = new DcmAttributeTag(DCM_AttributeIdentifierList);
    for (std::size_t i = 0; i < outcome.offending.size(); ++i) {
      list->putTagVal(outcome.offending[i], static_cast<unsigned long>(i));
    }
    detail->insert(list, OFTrue);
  }
  return detail;
}

}  // namespace

OFCondition MppsExchange::receiveDataset(T_DIMSE_DataSetType type,
                                         T_ASC_PresentationContextID command_id,
                                         std::unique_ptr<DcmDataset>& dataset, bool& same_context) {
  same_context = true;
  if (type == DIMSE_DATASET_NULL) {
    dataset = std::make_unique<DcmDataset>();
    return EC_Normal;
  }
  DcmDataset* received = nullptr;
  T_ASC_PresentationContextID data_presentation_id = 0;
  const OFCondition cond = DIMSE_receiveDataSetInMemory(
      context_.assoc, DIMSE_NONBLOCKING, static_cast<int>(context_.dimse_timeout.count()),
      &data_presentation_id, &received, nullptr, nullptr);
  dataset.reset(received);
  if (dataset == nullptr) dataset = std::make_unique<DcmDataset>();
  same_context = cond.bad() || data_presentation_id == command_id;
  return cond;
}

OFCondition MppsExchange::answer(const char* operation, const std::string& uid,
                                 const MppsOutcome& outcome, T_DIMSE_Message& response,
                                 T_ASC_PresentationContextID presentation_id) {
  const auto detail = statusDetail(outcome);
  const auto level = outcome.status == st::kSuccess ? spdlog::level::info : spdlog::level::warn;
  logging::mpps()->log(level,
                       "{} id={} calling={} sop_instance={} status=0x{:04X} step={} linked={} "
                       "rule={} item={} {}",
                       operation, context_.id, context_.calling_aet, uid, outcome.status,
                       outcome.step_status.empty() ? "-" : outcome.step_status,
                       outcome.linked_accession.empty() ? "-" : outcome.linked_accession,
                       outcome.link_rule.empty() ? "-" : outcome.link_rule,
                       toString(outcome.transition),
                       outcome.comment.empty() ? "" : "error=\"" + outcome.comment + "\"");
  if (outcome.status == st::kSuccess && outcome.link_rule == "none") {
    logging::mpps()->warn("unscheduled step kept unlinked sop_instance={} (no worklist item fits)",
                          uid);
  }
  return DIMSE_sendMessageUsingMemoryData(context_.assoc, presentation_id, &response, detail.get(),
                                          outcome.attributes.get(), nullptr, nullptr);
}

OFCondition MppsExchange::nCreate(T_DIMSE_N_CreateRQ& request,
                                  T_ASC_PresentationContextID presentation_id) {
  std::unique_ptr<DcmDataset> attributes;
  bool same_context = true;
  OFCondition cond = receiveDataset(request.DataSetType, presentation_id, attributes, same_context);
  if (cond.bad()) return cond;

  // The SCU normally names the instance; when it does not, we assign the UID (PS3.7 10.1.5).
  std::string uid = (request.opts & O_NCREATE_AFFECTEDSOPINSTANCEUID) != 0
                        ? config::trim(request.AffectedSOPInstanceUID)
                        : dicom_values::generateUid();
  MppsOutcome outcome;
  if (std::string(request.AffectedSOPClassUID) != UID_ModalityPerformedProcedureStepSOPClass) {
    outcome.status = kSopClassNotSupported;
    outcome.comment = "only Modality Performed Procedure Step is supported";
  } else if (!same_context) {
    outcome.status = st::kProcessingFailure;
    outcome.comment = "attributes sent on another presentation context than the command";
  } else if (!dicom_values::isValidUid(uid)) {
    outcome.status = kInvalidObjectInstance;
    outcome.comment = "Affected SOP Instance UID is not a valid UID";
  } else {
    try {
      outcome = processor_.create(uid, *attributes, context_.calling_aet);
    } catch (const std::exception& e) {
      logging::mpps()->error("n-create failed id={} sop_instance={} error=\"{}\"", context_.id, uid,
                             e.what());
      outcome = MppsOutcome{};
      outcome.status = st::kProcessingFailure;
      outcome.comment = "cannot record the performed procedure step";
    }
  }

  T_DIMSE_Message response{};
  response.CommandField = DIMSE_N_CREATE_RSP;
  T_DIMSE_N_CreateRSP& rsp = response.msg.NCreateRSP;
  rsp.MessageIDBeingRespondedTo = request.MessageID;
  rsp.DimseStatus = outcome.status;
  OFStandard::strlcpy(rsp.AffectedSOPClassUID, UID_ModalityPerformedProcedureStepSOPClass,
                      sizeof(rsp.AffectedSOPClassUID));
  OFStandard::strlcpy(rsp.AffectedSOPInstanceUID, uid.c_str(), sizeof(rsp.AffectedSOPInstanceUID));
  rsp.opts = O_NCREATE_AFFECTEDSOPCLASSUID | O_NCREATE_AFFECTEDSOPINSTANCEUID;
  rsp.DataSetType = outcome.attributes ? DIMSE_DATASET_PRESENT : DIMSE_DATASET_NULL;
  return answer("n-create", uid, outcome, response, presentation_id);
}

OFCondition MppsExchange::nSet(T_DIMSE_N_SetRQ& request,
                               T_ASC_PresentationContextID presentation_id) {
  std::unique_ptr<DcmDataset> modifications;
  bool same_context = true;
  OFCondition cond =
      receiveDataset(request.DataSetType, presentation_id, modifications, same_context);
  if (cond.bad()) return cond;
  const std::string uid = config::trim(request.RequestedSOPInstanceUID);
  MppsOutcome outcome;
  if (std::string(request.RequestedSOPClassUID) != UID_ModalityPerformedProcedureStepSOPClass) {
    outcome.status = kSopClassNotSupported;
    outcome.comment = "only Modality Performed Procedure Step is supported";
  } else if (!same_context) {
    outcome.status = st::kProcessingFailure;
    outcome.comment = "modifications sent on another presentation context than the command";
  } else {
    try {
      outcome = processor_.set(uid, *modifications, context_.calling_aet);
    } catch (const std::exception& e) {
      logging::mpps()->error("n-set failed id={} sop_instance={} error=\"{}\"", context_.id, uid,
                             e.what());
      outcome = MppsOutcome{};
      outcome.status = st::kProcessingFailure;
      outcome.comment = "cannot update the performed procedure step";
    }
  }

  T_DIMSE_Message response{};
  response.CommandField = DIMSE_N_SET_RSP;
  T_DIMSE_N_SetRSP& rsp = response.msg.NSetRSP;
  rsp.MessageIDBeingRespondedTo = request.MessageID;
  rsp.DimseStatus = outcome.status;
  OFStandard::strlcpy(rsp.AffectedSOPClassUID, request.RequestedSOPClassUID,
                      sizeof(rsp.AffectedSOPClassUID));
  OFStandard::strlcpy(rsp.AffectedSOPInstanceUID, uid.c_str(), sizeof(rsp.AffectedSOPInstanceUID));
  rsp.opts = O_NSET_AFFECTEDSOPCLASSUID | O_NSET_AFFECTEDSOPINSTANCEUID;
  rsp.DataSetType = outcome.attributes ? DIMSE_DATASET_PRESENT : DIMSE_DATASET_NULL;
  return answer("n-set", uid, outcome, response, presentation_id);
}

}  // namespace gateway::mwl
