#pragma once

#include <cstddef>

#include "services/pacs/file_store.h"
#include "services/pacs/forward_routing.h"
#include "services/pacs/instance_index.h"

namespace gateway::pacs {

struct ReconcileReport {
  std::size_t temporary_files_removed = 0;
  std::size_t files_indexed = 0;  // files at a proper path with no row: indexed now
  std::size_t rows_missing = 0;   // rows whose file is gone: marked MISSING
  std::size_t rows_restored = 0;  // rows marked MISSING whose file is back
  std::size_t foreign_files = 0;  // files that are not ours: left alone, logged
  // Rows indexed by an older metadata extraction (before schema 4): their files re-read.
  std::size_t metadata_refreshed = 0;
  std::size_t metadata_unreadable = 0;  // file no longer parses or names another instance
};

// Brings the index and the file tree into agreement after whatever the last run left
// (crash, kill -9, power loss): runs before the ports open. See adr/0004.
// A file indexed again is queued for the forwarding destinations `routing` names (its calling
// AE is not known any more: a calling_aets filter does not match it).
ReconcileReport reconcileStorage(FileStore& store, InstanceIndex& index,
                                 const ForwardRouting& routing = {});

}  // namespace gateway::pacs
