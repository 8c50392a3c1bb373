#pragma once

#include <string>
#include <vector>

#include "common/config/forward_destination.h"
#include "services/pacs/instance_metadata.h"

namespace gateway::pacs {

// Which forwarding destinations an instance goes to: each destination's filters (SOP
// classes, modalities, calling AEs; an empty filter matches all), all of them must match.
// Pure; the archiver asks it before indexing, so the queue rows go in with the index row.
class ForwardRouting {
 public:
  ForwardRouting() = default;
  explicit ForwardRouting(const std::vector<config::ForwardDestination>& destinations);

  std::vector<std::string> destinationsFor(const InstanceMetadata& metadata,
                                           const std::string& calling_aet) const;
  bool empty() const { return routes_.empty(); }
  // Every configured destination, in configuration order.
  std::vector<std::string> names() const;

 private:
  struct Route {
    std::string name;
    std::vector<std::string> sop_classes;
    std::vector<std::string> modalities;
    std::vector<std::string> calling_aets;
  };
  std::vector<Route> routes_;
};

}  // namespace gateway::pacs
