#include "services/mwl/mpps_provider.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/dimse.h>

#include "common/dicom/dimse_status.h"
#include "common/dicom_values/uid_generator.h"
#include "common/logging/logging.h"

namespace gateway::mwl {
namespace {

namespace status = dicom::status;

dicom::NReply fromOutcome(MppsOutcome outcome, const std::string& uid) {
  dicom::NReply out;
  out.reply.status = outcome.status;
  out.reply.comment = std::move(outcome.comment);
  out.reply.attributes = std::move(outcome.offending);
  out.reply.log_fields =
      "step=" + (outcome.step_status.empty() ? "-" : outcome.step_status) +
      " linked=" + (outcome.linked_accession.empty() ? "-" : outcome.linked_accession) +
      " rule=" + (outcome.link_rule.empty() ? "-" : outcome.link_rule) +
      " item=" + toString(outcome.transition);
  out.sop_instance_uid = uid;
  out.dataset = std::move(outcome.attributes);
  return out;
}

}  // namespace

spdlog::logger* MppsProvider::logger() { return logging::mpps().get(); }

dicom::NReply MppsProvider::handle(const dicom::NRequest& request) {
  dicom::NReply refused;
  if (request.sop_class_uid != UID_ModalityPerformedProcedureStepSOPClass) {
    refused.reply = dicom::DimseReply::failure(
        status::kSopClassNotSupported, "only Modality Performed Procedure Step is supported");
    return refused;
  }
  if (request.command_field == DIMSE_N_CREATE_RQ) {
    // The SCU normally names the instance; when it does not, we assign the UID (PS3.7 10.1.5).
    const std::string uid =
        request.sop_instance_given ? request.sop_instance_uid : dicom_values::generateUid();
    auto out = fromOutcome(processor_.create(uid, *request.dataset, context_.calling_aet), uid);
    if (out.reply.status == status::kSuccess &&
        out.reply.log_fields.find("rule=none") != std::string::npos) {
      logging::mpps()->warn(
          "unscheduled step kept unlinked sop_instance={} (no worklist item fits)", uid);
    }
    return out;
  }
  if (request.command_field == DIMSE_N_SET_RQ) {
    return fromOutcome(
        processor_.set(request.sop_instance_uid, *request.dataset, context_.calling_aet),
        request.sop_instance_uid);
  }
  refused.reply = dicom::DimseReply::failure(status::kUnrecognizedOperation,
                                             "only N-CREATE and N-SET are supported for MPPS");
  return refused;
}

}  // namespace gateway::mwl
