#include "common/dicom/store_request.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/dcmnet/dimse.h>

#include <memory>
#include <mutex>

#include "common/dicom/command_writer.h"

namespace gateway::dicom {
namespace {

bool isUncompressed(const std::string& transfer_syntax) {
  const DcmXfer xfer(transfer_syntax.c_str());
  return xfer.getXfer() != EXS_Unknown && !xfer.isEncapsulated() &&
         xfer.getStreamCompression() == ESC_none;
}

}  // namespace

void registerDecompressionCodecs() {
  static std::once_flag once;
  std::call_once(once, [] {
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  });
}

OFCondition sendStoreRequest(T_ASC_Association* assoc, const std::filesystem::path& file,
                             const std::string& sop_class, const std::string& sop_instance,
                             std::uint16_t message_id, const std::string& move_originator_aet,
                             std::uint16_t move_originator_message_id, StoreSendResult& result) {
  result = StoreSendResult{};
  Part10Layout layout;
  try {
    layout = readPart10Layout(file);
  } catch (const std::exception& e) {
    result.refusal_status = 0xA700;
    result.refusal = e.what();
    return EC_Normal;
  }
  // DCMTK's lookup prefers a context accepted with the object's own syntax, then one with
  // explicit, then implicit VR Little Endian, then any: only an exact match may carry the
  // original bytes; an uncompressed one gets a lossless conversion; anything else, nothing.
  const T_ASC_PresentationContextID id = ASC_findAcceptedPresentationContextID(
      assoc, sop_class.c_str(), layout.transfer_syntax_uid.c_str());
  T_ASC_PresentationContext pc{};
  if (id == 0 || ASC_findAcceptedPresentationContext(assoc->params, id, &pc).bad()) {
    result.refusal_status = 0x0122;
    result.refusal = "the peer did not accept the SOP class";
    return EC_Normal;
  }
  std::unique_ptr<DcmFileFormat> converted;
  if (layout.transfer_syntax_uid == pc.acceptedTransferSyntax) {
    result.transfer_syntax = layout.transfer_syntax_uid;
  } else {
    if (!isUncompressed(pc.acceptedTransferSyntax)) {
      result.refusal_status = 0x0122;
      result.refusal =
          "the peer accepts neither the object's transfer syntax nor an uncompressed one";
      return EC_Normal;
    }
    // The original is not accepted: decompress (lossless) into what is.
    registerDecompressionCodecs();
    converted = std::make_unique<DcmFileFormat>();
    const DcmXfer target(pc.acceptedTransferSyntax);
    if (converted->loadFile(file.c_str()).bad() ||
        converted->getDataset()->chooseRepresentation(target.getXfer(), nullptr).bad() ||
        !converted->getDataset()->canWriteXfer(target.getXfer())) {
      result.refusal_status = 0x0122;
      result.refusal = std::string("cannot convert the object to ") + target.getXferName();
      return EC_Normal;
    }
    result.transfer_syntax = pc.acceptedTransferSyntax;
    result.converted = true;
  }
  result.presentation_id = id;

  DcmDataset command;
  command.putAndInsertString(DCM_AffectedSOPClassUID, sop_class.c_str());
  command.putAndInsertUint16(DCM_CommandField, DIMSE_C_STORE_RQ);
  command.putAndInsertUint16(DCM_MessageID, message_id);
  command.putAndInsertUint16(DCM_Priority, DIMSE_PRIORITY_MEDIUM);
  command.putAndInsertUint16(DCM_CommandDataSetType, DIMSE_DATASET_PRESENT);
  command.putAndInsertString(DCM_AffectedSOPInstanceUID, sop_instance.c_str());
  if (!move_originator_aet.empty()) {
    command.putAndInsertString(DCM_MoveOriginatorApplicationEntityTitle,
                               move_originator_aet.c_str());
    command.putAndInsertUint16(DCM_MoveOriginatorMessageID, move_originator_message_id);
  }
  OFCondition cond = sendCommandSet(assoc, id, command);
  if (cond.good()) {
    cond = converted ? sendDataset(assoc, id, *converted->getDataset())
                     : sendDatasetFromFile(assoc, id, file, layout);
  }
  if (cond.good()) result.sent = true;
  return cond;
}

}  // namespace gateway::dicom
