#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/config/gateway_config.h"
#include "common/dicom/dicom_server.h"
#include "services/mwl/mpps_processor.h"
#include "services/mwl/worklist_store.h"

namespace gateway::mwl {

// The worklist AE: Modality Worklist Information Model - FIND (WorklistFind) and Modality
// Performed Procedure Step N-CREATE/N-SET (MppsProvider) on one association. createHandler
// runs on worker threads; the store and the processor are thread-safe.
class MwlScp : public dicom::DicomService {
 public:
  // `store` answers the queries; `mpps` decides N-CREATE and N-SET. Both outlive the SCP.
  MwlScp(const config::MwlSettings& settings, WorklistStore& store, MppsProcessor& mpps);

  std::vector<dicom::OfferedSyntax> abstractSyntaxes() const override;
  std::vector<std::string> transferSyntaxes() const override;
  std::unique_ptr<dicom::AssociationHandler> createHandler(
      const dicom::AssociationContext& context) override;

 private:
  const config::MwlSettings& settings_;
  WorklistStore& store_;
  MppsProcessor& mpps_;
};

}  // namespace gateway::mwl
