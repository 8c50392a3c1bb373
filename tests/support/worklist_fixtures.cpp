#include "tests/support/worklist_fixtures.h"

#include <gtest/gtest.h>

#include "services/mwl/worklist_feed.h"
#include "services/mwl/worklist_validation.h"

namespace gateway::test {

mwl::WorklistItem validWorklistItem(const std::string& accession) {
  mwl::WorklistItem item;
  item.accession_number = accession;
  item.patient_id = "P-" + accession;
  item.patient_name = "DOE^JANE";
  item.patient_birth_date = "19700101";
  item.scheduled_date = "20261128";
  item.scheduled_time = "090000";
  item.modality = "MG";
  for (const auto& e : mwl::validateAndComplete(item))
    ADD_FAILURE() << e.field << ": " << e.message;
  return item;
}

void importItems(mwl::WorklistStore& store, const std::vector<mwl::WorklistItem>& items) {
  mwl::WorklistImport import;
  for (std::size_t i = 0; i < items.size(); ++i)
    import.items.push_back({items[i], i + 1, 0, false});
  const auto result = mwl::WorklistFeed(store).import(import, false);
  for (const auto& e : import.errors) ADD_FAILURE() << e.toString();
  EXPECT_TRUE(result.written);
}

bool hasImportError(const mwl::WorklistImport& import, std::size_t item, std::size_t line,
                    const std::string& field, const std::string& text) {
  for (const auto& e : import.errors) {
    if (e.item == item && e.line == line && e.field == field &&
        e.message.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace gateway::test
