#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "services/pacs/file_store.h"
#include "services/pacs/instance_index.h"

namespace gateway::test {

// Stores `count` synthetic MG objects as the storage SCP would (Part 10 file in .incoming,
// then the archiver); returns their SOP Instance UIDs. For tests of what reads a store.
std::vector<std::string> archiveObjects(pacs::FileStore& store, pacs::InstanceIndex& index,
                                        std::size_t count);

}  // namespace gateway::test
