#include "services/mwl/worklist_feed.h"

#include <optional>

namespace gateway::mwl {
namespace {

// The replace rule, in its one place: a corrected appointment keeps its study.
void keepStoredStudy(const WorklistItem& stored, WorklistItem& item, StudyUid study_uid) {
  if (study_uid == StudyUid::kGenerated) item.study_instance_uid = stored.study_instance_uid;
}

}  // namespace

AddResult WorklistFeed::add(WorklistItem item, StudyUid study_uid, bool replace) {
  auto transaction = store_.beginWrite();
  const std::optional<WorklistItem> stored = transaction.find(item.accession_number);
  if (stored && !replace) throw DuplicateAccessionError(item.accession_number);
  if (stored) keepStoredStudy(*stored, item, study_uid);
  transaction.insertItem(item, replace);
  transaction.commit();
  return {stored.has_value(), item.study_instance_uid};
}

ImportResult WorklistFeed::import(WorklistImport& import, bool replace,
                                  const ImportProgress& progress) {
  ImportResult result;
  auto transaction = store_.beginWrite();
  for (auto& imported : import.items) {
    if (imported.item.accession_number.empty()) continue;
    const auto stored = transaction.find(imported.item.accession_number);
    if (!stored) continue;
    if (!replace) {
      import.errors.push_back({imported.number, imported.line, "accession_number",
                               "'" + imported.item.accession_number +
                                   "' is already on the worklist (use --replace to overwrite it)"});
      continue;
    }
    ++result.replaced;
    keepStoredStudy(*stored, imported.item,
                    imported.study_uid_generated ? StudyUid::kGenerated : StudyUid::kGiven);
  }
  import.sortErrors();
  if (!import.ok()) return {false, 0, 0};  // the transaction rolls back: nothing written

  const std::size_t total = import.items.size();
  for (std::size_t i = 0; i < total; ++i) {
    transaction.insertItem(import.items[i].item, replace);
    if (progress) progress(i + 1, total);
  }
  transaction.commit();  // not reached on a throw: the transaction rolls back whole
  result.written = true;
  result.items = total;
  return result;
}

}  // namespace gateway::mwl
