#pragma once

#include <string>

#include "services/pacs/instance_metadata.h"

namespace gateway::pacs {

// Lets another service follow what the PACS stores, without the PACS knowing which: the
// supervisor plugs the worklist in here (an image for an accession starts its item).
// Both methods run on the storing worker thread, may be called concurrently, and must be
// quick; an exception is logged and never fails the store.
class InstanceObserver {
 public:
  virtual ~InstanceObserver() = default;
  // Before the index row is written: true when `accession` names a known worklist item
  // (the row then records the link).
  virtual bool knowsAccession(const std::string& accession) = 0;
  // After the object is stored and indexed.
  virtual void instanceStored(const InstanceMetadata& metadata) = 0;
};

}  // namespace gateway::pacs
