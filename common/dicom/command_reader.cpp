#include "common/dicom/command_reader.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/dul.h>
#include <fmt/format.h>

#include <vector>

#include "common/dicom/dataset_scanner.h"
#include "common/dicom/element_text.h"

namespace gateway::dicom {
namespace {

OFCondition commandError(const std::string& text) {
  return makeOFCondition(OFM_dcmnet, DIMSEC_RECEIVEFAILED, OF_error, text.c_str());
}

// The next PDV, reading a new P-DATA PDU when the current one is used up; the same steps
// as DCMTK's own (static) DIMSE_readNextPDV.
OFCondition nextPdv(T_ASC_Association* assoc, int timeout_seconds, DUL_PDV& pdv) {
  OFCondition cond = DUL_NextPDV(&assoc->DULassociation, &pdv);
  if (cond.good()) return cond;
  if (!ASC_dataWaiting(assoc, timeout_seconds)) return DIMSE_NODATAAVAILABLE;
  cond = DUL_ReadPDVs(&assoc->DULassociation, nullptr, DUL_NOBLOCK, timeout_seconds);
  if (cond != DUL_PDATAPDUARRIVED) {
    if (cond == DUL_PEERREQUESTEDRELEASE || cond == DUL_PEERABORTEDASSOCIATION) return cond;
    return makeOFCondition(OFM_dcmnet, DIMSEC_READPDVFAILED, OF_error,
                           (std::string("cannot read PDU: ") + cond.text()).c_str());
  }
  return DUL_NextPDV(&assoc->DULassociation, &pdv);
}

std::optional<std::uint16_t> number(DcmDataset& set, const DcmTagKey& tag) {
  Uint16 value = 0;
  if (set.findAndGetUint16(tag, value).bad()) return std::nullopt;
  return value;
}

}  // namespace

std::string commandName(std::uint16_t command_field) {
  switch (command_field) {
    case DIMSE_C_STORE_RQ:
      return "C-STORE-RQ";
    case DIMSE_C_STORE_RSP:
      return "C-STORE-RSP";
    case DIMSE_C_GET_RQ:
      return "C-GET-RQ";
    case DIMSE_C_GET_RSP:
      return "C-GET-RSP";
    case DIMSE_C_FIND_RQ:
      return "C-FIND-RQ";
    case DIMSE_C_FIND_RSP:
      return "C-FIND-RSP";
    case DIMSE_C_MOVE_RQ:
      return "C-MOVE-RQ";
    case DIMSE_C_MOVE_RSP:
      return "C-MOVE-RSP";
    case DIMSE_C_ECHO_RQ:
      return "C-ECHO-RQ";
    case DIMSE_C_ECHO_RSP:
      return "C-ECHO-RSP";
    case DIMSE_C_CANCEL_RQ:
      return "C-CANCEL-RQ";
    case DIMSE_N_EVENT_REPORT_RQ:
      return "N-EVENT-REPORT-RQ";
    case DIMSE_N_EVENT_REPORT_RSP:
      return "N-EVENT-REPORT-RSP";
    case DIMSE_N_GET_RQ:
      return "N-GET-RQ";
    case DIMSE_N_GET_RSP:
      return "N-GET-RSP";
    case DIMSE_N_SET_RQ:
      return "N-SET-RQ";
    case DIMSE_N_SET_RSP:
      return "N-SET-RSP";
    case DIMSE_N_ACTION_RQ:
      return "N-ACTION-RQ";
    case DIMSE_N_ACTION_RSP:
      return "N-ACTION-RSP";
    case DIMSE_N_CREATE_RQ:
      return "N-CREATE-RQ";
    case DIMSE_N_CREATE_RSP:
      return "N-CREATE-RSP";
    case DIMSE_N_DELETE_RQ:
      return "N-DELETE-RQ";
    case DIMSE_N_DELETE_RSP:
      return "N-DELETE-RSP";
    default:
      return fmt::format("command 0x{:04X}", command_field);
  }
}

OFCondition readCommand(T_ASC_Association* assoc, int timeout_seconds, DimseCommand& command) {
  std::vector<std::uint8_t> bytes;
  // A command set never holds a sequence: nesting depth 0.
  DatasetScanner scanner(DatasetEncoding::kImplicitLittle, 0, kMaxCommandBytes);
  T_ASC_PresentationContextID presentation_id = 0;
  bool first = true;
  for (bool last = false; !last;) {
    DUL_PDV pdv{};
    const OFCondition cond = nextPdv(assoc, timeout_seconds, pdv);
    if (cond.bad()) return cond;
    if (pdv.pdvType != DUL_COMMANDPDV) return commandError("a dataset PDV where a command belongs");
    if (first) {
      presentation_id = pdv.presentationContextID;
      first = false;
    } else if (pdv.presentationContextID != presentation_id) {
      return commandError("command fragments on different presentation contexts");
    }
    if (bytes.size() + pdv.fragmentLength > kMaxCommandBytes) {
      return commandError(fmt::format("command set larger than {} bytes", kMaxCommandBytes));
    }
    const auto* data = static_cast<const std::uint8_t*>(pdv.data);
    if (pdv.fragmentLength > 0) {
      if (!scanner.feed(data, pdv.fragmentLength)) {
        return commandError("malformed command set: " + scanner.error());
      }
      bytes.insert(bytes.end(), data, data + pdv.fragmentLength);
    }
    last = pdv.lastPDV;
  }
  if (!scanner.finish()) return commandError("malformed command set: " + scanner.error());

  T_ASC_PresentationContext context{};
  if (ASC_findAcceptedPresentationContext(assoc->params, presentation_id, &context).bad()) {
    return commandError(fmt::format("command on presentation context {}, which was not accepted",
                                    static_cast<int>(presentation_id)));
  }

  DcmDataset set;
  DcmInputBufferStream stream;
  stream.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  stream.setEos();
  set.transferInit();
  const OFCondition parsed = set.read(stream, EXS_LittleEndianImplicit, EGL_withoutGL);
  set.transferEnd();
  if (parsed.bad()) return commandError(std::string("cannot parse command set: ") + parsed.text());

  command = DimseCommand{};
  command.presentation_id = presentation_id;
  const auto field = number(set, DCM_CommandField);
  if (!field) return commandError("command set without Command Field (0000,0100)");
  command.command_field = *field;
  command.message_id = number(set, DCM_MessageID).value_or(0);
  command.message_id_responded_to = number(set, DCM_MessageIDBeingRespondedTo).value_or(0);
  command.has_dataset =
      number(set, DCM_CommandDataSetType).value_or(DIMSE_DATASET_NULL) != DIMSE_DATASET_NULL;
  command.priority = number(set, DCM_Priority).value_or(0);
  command.affected_sop_class_uid = elementText(set, DCM_AffectedSOPClassUID);
  command.affected_sop_instance_uid = elementText(set, DCM_AffectedSOPInstanceUID);
  command.requested_sop_class_uid = elementText(set, DCM_RequestedSOPClassUID);
  command.requested_sop_instance_uid = elementText(set, DCM_RequestedSOPInstanceUID);
  command.move_destination = elementText(set, DCM_MoveDestination);
  command.move_originator_aet = elementText(set, DCM_MoveOriginatorApplicationEntityTitle);
  command.move_originator_message_id = number(set, DCM_MoveOriginatorMessageID).value_or(0);
  command.status = number(set, DCM_Status);
  command.event_type_id = number(set, DCM_EventTypeID);
  command.action_type_id = number(set, DCM_ActionTypeID);
  command.remaining = number(set, DCM_NumberOfRemainingSuboperations);
  command.completed = number(set, DCM_NumberOfCompletedSuboperations);
  command.failed = number(set, DCM_NumberOfFailedSuboperations);
  command.warning = number(set, DCM_NumberOfWarningSuboperations);
  command.error_comment = elementText(set, DCM_ErrorComment);
  return EC_Normal;
}

}  // namespace gateway::dicom
