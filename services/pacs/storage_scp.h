#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/config/gateway_config.h"
#include "common/dicom/dicom_server.h"
#include "services/pacs/commitment_service.h"
#include "services/pacs/file_store.h"
#include "services/pacs/instance_archiver.h"
#include "services/pacs/instance_index.h"

namespace gateway::pacs {

// The storage AE: negotiates storage SOP classes (and Storage Commitment) and, for each
// C-STORE, gives the DICOM
// edge a reception that writes the dataset exactly as received (behind a Part 10 meta
// header) to a temporary file, then hands it to the archiver and answers with the
// archiver's status. With the index, also Patient Root and Study Root Query/Retrieve –
// FIND (QrFind), MOVE and GET. createHandler runs on worker threads; the archiver, index
// and file store it shares are thread-safe.
class StorageScp : public dicom::DicomService {
 public:
  // With `commitment`, the AE also answers Storage Commitment Push Model (N-ACTION); with
  // `index`, Query/Retrieve.
  StorageScp(const config::PacsSettings& settings, FileStore& store, InstanceArchiver& archiver,
             CommitmentService* commitment = nullptr, CommitmentStore* commitments = nullptr,
             InstanceIndex* index = nullptr, CommitmentService::Resolver resolve_ae = {});

  // The table of known AEs: who may retrieve (set before the AE serves).
  void setKnownAes(std::shared_ptr<const dicom::RemoteAeTable> known_aes) {
    known_aes_ = std::move(known_aes);
  }

  std::vector<dicom::OfferedSyntax> abstractSyntaxes() const override;
  // C-GET: the peer receives the objects on its own association, as a storage SCP.
  bool acceptsPeerScpRole(const std::string& abstract_syntax) const override;
  std::vector<std::string> transferSyntaxes() const override;
  std::unique_ptr<dicom::AssociationHandler> createHandler(
      const dicom::AssociationContext& context) override;

 private:
  std::string aet_;
  FileStore& store_;
  InstanceArchiver& archiver_;
  CommitmentService* commitment_;
  CommitmentStore* commitments_;
  InstanceIndex* index_;  // with it, the AE also answers C-FIND, C-MOVE and C-GET
  CommitmentService::Resolver resolve_ae_;
  std::shared_ptr<const dicom::RemoteAeTable> known_aes_;
  std::vector<std::string> sop_classes_;
};

}  // namespace gateway::pacs
