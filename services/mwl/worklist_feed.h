#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "services/mwl/worklist_import.h"
#include "services/mwl/worklist_item.h"
#include "services/mwl/worklist_store.h"

namespace gateway::mwl {

// Where an item's Study Instance UID came from: the feed, or validateAndComplete.
enum class StudyUid { kGiven, kGenerated };

// Items written so far and the number to write, while an import runs.
using ImportProgress = std::function<void(std::size_t done, std::size_t total)>;

struct AddResult {
  bool replaced = false;           // the accession number was on the worklist already
  std::string study_instance_uid;  // as stored
};

struct ImportResult {
  bool written = false;  // false: the import had problems (see its errors), nothing written
  std::size_t items = 0;
  std::size_t replaced = 0;
};

// How appointments reach the worklist: `worklist add`, `worklist import` and the booking
// system's network feed all write through this one object, so they share its rules:
//  - an accession number already on the worklist is refused unless `replace`;
//  - a replaced item keeps its Study Instance UID unless the feed gives one, because a
//    modality may have fetched that UID already and a corrected appointment is the same
//    study;
//  - the comparison with the stored items and the writes are one transaction, so nothing
//    another writer adds in between slips through, and an import is all or nothing.
// Items must have passed validateAndComplete. Thread-safe through the store.
class WorklistFeed {
 public:
  explicit WorklistFeed(WorklistStore& store) : store_(store) {}

  // Throws DuplicateAccessionError when the accession number is stored and not `replace`.
  AddResult add(WorklistItem item, StudyUid study_uid, bool replace);

  // Appends an error to `import` for each item whose accession number is stored already
  // (unless `replace`), then writes every item or, if the import has any problem (from the
  // file or from this check), none. `progress` is called as items are written.
  ImportResult import(WorklistImport& import, bool replace, const ImportProgress& progress = {});

 private:
  WorklistStore& store_;
};

}  // namespace gateway::mwl
