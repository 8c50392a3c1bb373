#pragma once

#include <memory>
#include <string>

#include "common/config/gateway_config.h"
#include "common/dicom/providers.h"
#include "services/mwl/worklist_store.h"

namespace gateway::mwl {

// Modality Worklist C-FIND without the network: takes the identifier in its declared
// character set, parses and matches it against the store (PS3.4 K, C.2.2.2), and yields one
// response identifier per match, in the query's character set where every value fits (else
// MWL_REPLY_CHARSET). Refusals: 0xA900 for an identifier that is not a valid worklist query
// (naming the attribute), 0xC000 for a character set we cannot convert from.
class WorklistFind : public dicom::FindProvider {
 public:
  WorklistFind(const dicom::AssociationContext& context, const config::MwlSettings& settings,
               WorklistStore& store)
      : context_(context), settings_(settings), store_(store) {}

  Start startFind(const dicom::FindRequest& request, DcmDataset& identifier) override;

 private:
  const dicom::AssociationContext& context_;
  const config::MwlSettings& settings_;
  WorklistStore& store_;
};

}  // namespace gateway::mwl
