#pragma once

#include <string>
#include <string_view>

namespace gateway::pacs {

// Lower-case hex SHA-256 of the bytes.
std::string sha256Hex(std::string_view bytes);

// Lower-case hex of a digest.
std::string toHex(const unsigned char* digest, unsigned int length);

// The seed's layout: h = SHA-256(SOP Instance UID) in hex; the file is
// h[0:2]/h[2:4]/h[0:16].dcm under the storage root. Only our own hash digits ever reach a
// path, never a received value.
std::string storagePathFor(std::string_view sop_instance_uid);

// True for a relative path of exactly that shape (reconciliation skips anything else).
bool isStoragePathShape(std::string_view relative_path);

}  // namespace gateway::pacs

#include <filesystem>
#include <optional>

namespace gateway::pacs {

// SHA-256 (hex) of a file's bytes, read in chunks; empty when it cannot be read.
std::optional<std::string> sha256OfFile(const std::filesystem::path& file);

}  // namespace gateway::pacs
