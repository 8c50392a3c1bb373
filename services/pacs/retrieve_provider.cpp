#include "services/pacs/retrieve_provider.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmnet/dimse.h>

#include "common/dicom/dimse_status.h"
#include "common/logging/peer_text.h"
#include "common/matching/query_charset.h"
#include "services/pacs/qr_engine.h"
#include "services/pacs/qr_query.h"

namespace gateway::pacs {
namespace {
namespace status = dicom::status;
}  // namespace

bool RetrieveService::callerMayRetrieve() const {
  if (known_aes_ != nullptr) {
    if (const config::KnownAe* entry = known_aes_->find(context_.calling_aet)) {
      return entry->services.has(config::AeService::kRetrieve) &&
             entry->allowsAddress(context_.peer_address);
    }
  }
  return resolve_ae_ && resolve_ae_(context_.calling_aet).has_value();
}

dicom::RetrieveProvider::Start RetrieveService::startRetrieve(const dicom::RetrieveRequest& request,
                                                              DcmDataset& identifier) {
  Start start;
  auto refuse = [&start](std::uint16_t code, std::string comment) {
    start.refused = true;
    start.refusal = dicom::DimseReply::failure(code, std::move(comment));
    return std::move(start);
  };
  // Only known machines retrieve, and only to known machines.
  if (!callerMayRetrieve()) {
    return refuse(status::kNotAuthorized,
                  "calling AE " + context_.calling_aet + " is not a known AE that may retrieve");
  }
  const auto model = modelOfSopClass(request.sop_class_uid);
  if (!model) return refuse(status::kSopClassNotSupported, "not a Query/Retrieve model");
  // The Patient ID may come in another character set; the index holds UTF-8.
  match::DecodedIdentifier decoded = match::decodeIdentifier(identifier);
  if (decoded.refusal) {
    start.refused = true;
    start.refusal = std::move(*decoded.refusal);
    return start;
  }
  ParsedQrQuery parsed = parseQrIdentifier(identifier, *model, QrPurpose::kRetrieve);
  if (!parsed.query) {
    start.refused = true;
    start.refusal = std::move(parsed.refusal);
    return start;
  }
  if (request.command_field == DIMSE_C_MOVE_RQ) {
    start.destination = resolve_ae_(request.move_destination);
    if (!start.destination || start.destination->port == 0) {
      return refuse(status::kMoveDestinationUnknown,
                    "move destination " + request.move_destination + " is not a known AE");
    }
    start.destination->called_aet = request.move_destination;
  }

  for (const auto& row : instancesToRetrieve(index_, *parsed.query)) {
    start.items.push_back({store_.absolute(row.storage_path), row.metadata.sop_class_uid,
                           row.metadata.sop_instance_uid});
  }
  return start;
}

}  // namespace gateway::pacs
