#include "services/pacs/storage_path.h"

#include "common/crypto/sha256.h"

namespace gateway::pacs {

std::string storagePathFor(std::string_view sop_instance_uid) {
  const std::string h = crypto::sha256Hex(sop_instance_uid);
  return h.substr(0, 2) + "/" + h.substr(2, 2) + "/" + h.substr(0, 16) + ".dcm";
}

bool isStoragePathShape(std::string_view p) {
  // "ab/cd/abcd............dcm": 2 + 1 + 2 + 1 + 16 + 4 = 26 characters.
  if (p.size() != 26 || p[2] != '/' || p[5] != '/' || p.substr(22) != ".dcm") return false;
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  for (const std::size_t i : {0u, 1u, 3u, 4u}) {
    if (!hex(p[i])) return false;
  }
  for (std::size_t i = 6; i < 22; ++i) {
    if (!hex(p[i])) return false;
  }
  return p.substr(0, 2) == p.substr(6, 2) && p.substr(3, 2) == p.substr(8, 2);
}

}  // namespace gateway::pacs
