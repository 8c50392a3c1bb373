#pragma once

#include <dcmtk/dcmnet/dimse.h>

#include "common/dicom/dicom_server.h"
#include "services/mwl/mpps_processor.h"

namespace gateway::mwl {

// The DIMSE side of MPPS for one association: receives the N-CREATE attributes or N-SET
// modification list, lets the MppsProcessor decide, and answers with status, Affected SOP
// Class/Instance UID and the attribute list (or Error Comment and Attribute Identifier List).
class MppsExchange {
 public:
  MppsExchange(const dicom::AssociationContext& context, MppsProcessor& processor)
      : context_(context), processor_(processor) {}

  OFCondition nCreate(T_DIMSE_N_CreateRQ& request, T_ASC_PresentationContextID presentation_id);
  OFCondition nSet(T_DIMSE_N_SetRQ& request, T_ASC_PresentationContextID presentation_id);

 private:
  // Reads the dataset that follows a command, if the command says one does. `same_context`
  // is false when it came on another presentation context than its command.
  OFCondition receiveDataset(T_DIMSE_DataSetType type, T_ASC_PresentationContextID command_id,
                             std::unique_ptr<DcmDataset>& dataset, bool& same_context);

  // Logs the outcome and sends the response (status detail when failing, attribute list
  // when there is one); the caller has filled the response's command fields.
  OFCondition answer(const char* operation, const std::string& uid, const MppsOutcome& outcome,
                     T_DIMSE_Message& response, T_ASC_PresentationContextID presentation_id);

  const dicom::AssociationContext& context_;
  MppsProcessor& processor_;
};

}  // namespace gateway::mwl
