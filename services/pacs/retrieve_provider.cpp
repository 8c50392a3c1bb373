#include "services/pacs/retrieve_provider.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmnet/dimse.h>

#include "common/dicom/dimse_status.h"
#include "common/logging/peer_text.h"

namespace gateway::pacs {
namespace {
namespace status = dicom::status;
}  // namespace

dicom::RetrieveProvider::Start RetrieveService::startRetrieve(const dicom::RetrieveRequest& request,
                                                              DcmDataset& identifier) {
  Start start;
  auto refuse = [&start](std::uint16_t code, std::string comment) {
    start.refused = true;
    start.refusal = dicom::DimseReply::failure(code, std::move(comment));
    return std::move(start);
  };
  // Only known machines retrieve, and only to known machines.
  if (!resolve_ae_ || !resolve_ae_(context_.calling_aet)) {
    return refuse(status::kNotAuthorized,
                  "calling AE " + context_.calling_aet + " is not a known AE that may retrieve");
  }
  const ParsedRetrieve parsed = parseRetrieveIdentifier(identifier, request.sop_class_uid);
  if (!parsed.keys) return refuse(status::kIdentifierDoesNotMatchSopClass, parsed.error);
  if (request.command_field == DIMSE_C_MOVE_RQ) {
    start.destination = resolve_ae_(request.move_destination);
    if (!start.destination || start.destination->port == 0) {
      return refuse(status::kMoveDestinationUnknown,
                    "move destination " + request.move_destination + " is not a known AE");
    }
    start.destination->called_aet = request.move_destination;
  }

  for (const auto& row : index_.forRetrieve(*parsed.keys)) {
    start.items.push_back({store_.absolute(row.storage_path), row.metadata.sop_class_uid,
                           row.metadata.sop_instance_uid});
  }
  return start;
}

}  // namespace gateway::pacs
