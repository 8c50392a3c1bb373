#pragma once

#include "services/mwl/mpps_processor.h"
#include "services/pacs/instance_observer.h"

namespace gateway::supervisor {

// Connects the PACS to the worklist: an instance whose Accession Number names a worklist
// item is linked to it in the PACS index, and the first such image starts the item
// (SCHEDULED -> IN PROGRESS). Lives in the supervisor because it is the one place that
// knows both services.
class WorklistLink : public pacs::InstanceObserver {
 public:
  explicit WorklistLink(mwl::MppsProcessor& processor) : processor_(processor) {}

  bool knowsAccession(const std::string& accession) override;
  void instanceStored(const pacs::InstanceMetadata& metadata) override;

 private:
  mwl::MppsProcessor& processor_;
};

}  // namespace gateway::supervisor
