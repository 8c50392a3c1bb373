#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "services/pacs/instance_index.h"

namespace gateway::window {

// The four views of a standard screening mammogram, in the order the page shows them.
inline constexpr std::array<const char*, 4> kStandardViews = {"LCC", "LMLO", "RCC", "RMLO"};

// The name of the view an object shows, from its indexed laterality, View Position and View
// Code Sequence: laterality + view ("LCC", "RMLO", "LXCCL", "RML"), with "ID" appended for an
// implant-displaced view ("LCCID"). "" when the object is no view of a breast (a dose report,
// a presentation state, an image without laterality or view).
std::string viewName(const pacs::InstanceMetadata& metadata);

struct ViewSummary {
  std::map<std::string, int> standard;  // each of kStandardViews -> images received (0: none)
  std::vector<std::string> missing;     // standard views with no image, in kStandardViews order
  std::map<std::string, int> extra;     // every other view received ("LCCID", "RML", ...)
  bool complete() const { return missing.empty(); }
};

// What arrived of one participant's images.
ViewSummary summarizeViews(const std::vector<pacs::StoredInstance>& images);

}  // namespace gateway::window
