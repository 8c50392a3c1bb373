#pragma once

#include <string>
#include <string_view>

namespace gateway::pacs {

// The seed's layout: h = SHA-256(SOP Instance UID) in hex; the file is
// h[0:2]/h[2:4]/h[0:16].dcm under the storage root. Only our own hash digits ever reach a
// path, never a received value.
std::string storagePathFor(std::string_view sop_instance_uid);

// True for a relative path of exactly that shape (reconciliation skips anything else).
bool isStoragePathShape(std::string_view relative_path);

}  // namespace gateway::pacs
