#include "services/pacs/forward_routing.h"

#include <algorithm>

namespace gateway::pacs {
namespace {

bool admits(const std::vector<std::string>& filter, const std::string& value) {
  return filter.empty() || std::find(filter.begin(), filter.end(), value) != filter.end();
}

}  // namespace

ForwardRouting::ForwardRouting(const std::vector<config::ForwardDestination>& destinations) {
  for (const auto& d : destinations) {
    routes_.push_back({d.name, d.sop_classes, d.modalities, d.calling_aets});
  }
}

std::vector<std::string> ForwardRouting::destinationsFor(const InstanceMetadata& metadata,
                                                         const std::string& calling_aet) const {
  std::vector<std::string> out;
  for (const auto& route : routes_) {
    if (admits(route.sop_classes, metadata.sop_class_uid) &&
        admits(route.modalities, metadata.modality) && admits(route.calling_aets, calling_aet)) {
      out.push_back(route.name);
    }
  }
  return out;
}

std::vector<std::string> ForwardRouting::names() const {
  std::vector<std::string> out;
  for (const auto& route : routes_) out.push_back(route.name);
  return out;
}

}  // namespace gateway::pacs
