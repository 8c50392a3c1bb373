#include "services/supervisor/worklist_link.h"

#include "common/logging/logging.h"

namespace gateway::supervisor {

bool WorklistLink::knowsAccession(const std::string& accession) {
  return lifecycle_.knowsAccession(accession);
}

void WorklistLink::instanceStored(const pacs::InstanceMetadata& metadata) {
  const auto result = lifecycle_.imageStored(metadata.accession_number, metadata.sop_instance_uid);
  if (result == mwl::TransitionResult::kChanged) {
    logging::mwl()->info("item started accession={} cause=\"image stored {}\"",
                         metadata.accession_number, metadata.sop_instance_uid);
  }
}

}  // namespace gateway::supervisor
