#pragma once

#include <string>
#include <vector>

#include "common/dicom/providers.h"
#include "common/dicom/remote_ae_table.h"
#include "services/pacs/commitment_service.h"
#include "services/pacs/file_store.h"
#include "services/pacs/instance_index.h"
#include "services/pacs/retrieve_keys.h"

namespace gateway::pacs {

// C-MOVE and C-GET on the PACS AE: the stored instances the identifier selects, sent from
// disk as they are. Who may retrieve, and where to: the calling AE must be in the table of
// known AEs with the `retrieve` service, calling from an address its entry allows (it needs
// no host or port: the gateway never calls it), and a C-MOVE destination a known AE with a
// host and port (unknown destination: 0xA801).
class RetrieveService : public dicom::RetrieveProvider {
 public:
  // `known_aes` may be null (tests that give only a resolver): then a caller is known when
  // `resolve_ae` resolves it.
  RetrieveService(const dicom::AssociationContext& context, InstanceIndex& index, FileStore& store,
                  const CommitmentService::Resolver& resolve_ae,
                  const dicom::RemoteAeTable* known_aes = nullptr)
      : context_(context),
        index_(index),
        store_(store),
        resolve_ae_(resolve_ae),
        known_aes_(known_aes) {}

  Start startRetrieve(const dicom::RetrieveRequest& request, DcmDataset& identifier) override;

 private:
  const dicom::AssociationContext& context_;
  InstanceIndex& index_;
  FileStore& store_;
  bool callerMayRetrieve() const;

  const CommitmentService::Resolver& resolve_ae_;
  const dicom::RemoteAeTable* known_aes_;
};

}  // namespace gateway::pacs
