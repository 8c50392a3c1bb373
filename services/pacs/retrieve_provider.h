#pragma once

#include <string>
#include <vector>

#include "common/dicom/providers.h"
#include "services/pacs/commitment_service.h"
#include "services/pacs/file_store.h"
#include "services/pacs/instance_index.h"
#include "services/pacs/retrieve_keys.h"

namespace gateway::pacs {

// C-MOVE and C-GET on the PACS AE: the stored instances the identifier selects, sent from
// disk as they are. Who may retrieve, and where to: the calling AE must be a known AE, and a
// C-MOVE destination a known AE with a host and port (unknown destination: 0xA801).
class RetrieveService : public dicom::RetrieveProvider {
 public:
  RetrieveService(const dicom::AssociationContext& context, InstanceIndex& index, FileStore& store,
                  const CommitmentService::Resolver& resolve_ae)
      : context_(context), index_(index), store_(store), resolve_ae_(resolve_ae) {}

  Start startRetrieve(const dicom::RetrieveRequest& request, DcmDataset& identifier) override;

 private:
  const dicom::AssociationContext& context_;
  InstanceIndex& index_;
  FileStore& store_;
  const CommitmentService::Resolver& resolve_ae_;
};

}  // namespace gateway::pacs
