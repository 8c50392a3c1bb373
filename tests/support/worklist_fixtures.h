#pragma once

#include <string>
#include <vector>

#include "services/mwl/worklist_import.h"
#include "services/mwl/worklist_item.h"
#include "services/mwl/worklist_store.h"

namespace gateway::test {

// A minimal valid worklist item (MG, 2026-11-28 09:00), already through validateAndComplete.
mwl::WorklistItem validWorklistItem(const std::string& accession);

// Writes valid items in one import through the feed (one transaction, as `worklist import`
// does); fails the test on any problem.
void importItems(mwl::WorklistStore& store, const std::vector<mwl::WorklistItem>& items);

// Whether `import` reports a problem at that item, line and field whose message contains
// `text`.
bool hasImportError(const mwl::WorklistImport& import, std::size_t item, std::size_t line,
                    const std::string& field, const std::string& text);

}  // namespace gateway::test
