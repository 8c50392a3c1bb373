#pragma once

#include "services/mwl/worklist_lifecycle.h"
#include "services/pacs/instance_observer.h"

namespace gateway::supervisor {

// Connects the PACS to the worklist: an instance whose Accession Number names a worklist
// item is linked to it in the PACS index, and the first such image starts the item
// (SCHEDULED -> IN PROGRESS) through the worklist's life cycle. Lives in the supervisor
// because it is the one place that knows both services. Called on the PACS workers.
class WorklistLink : public pacs::InstanceObserver {
 public:
  explicit WorklistLink(mwl::WorklistLifecycle& lifecycle) : lifecycle_(lifecycle) {}

  bool knowsAccession(const std::string& accession) override;
  void instanceStored(const pacs::InstanceMetadata& metadata) override;

 private:
  mwl::WorklistLifecycle& lifecycle_;
};

}  // namespace gateway::supervisor
