#pragma once

#include <string>

#include "services/mwl/worklist_item.h"

namespace gateway::test {

// A minimal valid worklist item (MG, 2026-11-28 09:00), already through validateAndComplete.
mwl::WorklistItem validWorklistItem(const std::string& accession);

}  // namespace gateway::test
