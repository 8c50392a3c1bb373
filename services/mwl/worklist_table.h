#pragma once

#include <string>
#include <vector>

#include "services/mwl/worklist_item.h"

namespace gateway::mwl {

// The operator's view of worklist items: one row per item with the columns ACCESSION,
// SCHEDULED (YYYY-MM-DD HH:MM), MODALITY, STATION, PATIENT ID, PATIENT NAME, STATUS,
// DESCRIPTION, aligned by characters (UTF-8), then a count line. Shows patient
// identifiers: for the admin command's stdout, never for the log.
std::string toTable(const std::vector<WorklistItem>& items);

}  // namespace gateway::mwl
