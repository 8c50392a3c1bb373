#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/dicom/dimse_status.h"
#include "services/mwl/worklist_lifecycle.h"
#include "services/mwl/worklist_store.h"

namespace gateway::mwl {

struct MppsOutcome {
  std::uint16_t status = dicom::status::kSuccess;
  std::string comment;                     // Error Comment when failing
  std::vector<DcmTagKey> offending;        // Attribute Identifier List when failing
  std::unique_ptr<DcmDataset> attributes;  // attribute list for the response
  std::string step_status;                 // the step's status afterwards
  std::string linked_accession;            // worklist item, "" when unlinked
  std::string link_rule;                   // accession, patient+date, none
  TransitionResult transition = TransitionResult::kUnchanged;
};

// Modality Performed Procedure Step, without the network: decides N-CREATE and N-SET
// (PS3.4 F.7, ADR 0007) and records each in one worklist transaction together with the
// item's status change, which the life cycle applies. Thread-safe through the store.
class MppsProcessor {
 public:
  MppsProcessor(WorklistStore& store, const WorklistLifecycle& lifecycle);

  MppsOutcome create(const std::string& sop_instance_uid, DcmDataset& attributes,
                     const std::string& calling_aet);
  MppsOutcome set(const std::string& sop_instance_uid, DcmDataset& modifications,
                  const std::string& calling_aet);

 private:
  WorklistStore& store_;
  const WorklistLifecycle& lifecycle_;
};


}  // namespace gateway::mwl
