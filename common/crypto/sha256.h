#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of every includer

// SHA-256 (OpenSSL EVP) for the whole product: storage paths, stored-file hashes,
// verification, and HMAC for masking identifiers in logs.
namespace gateway::crypto {

inline constexpr std::size_t kSha256Bytes = 32;
using Sha256Digest = std::array<unsigned char, kSha256Bytes>;

// Incremental SHA-256. update() hashes the caller's bytes where they are (no copy) and never
// throws, because it runs inside DCMTK's output stream while an object is received; a
// failure inside OpenSSL is remembered and reported by finishHex().
class Sha256 {
 public:
  Sha256();  // throws std::runtime_error when OpenSSL cannot set up a context
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* bytes, std::size_t length) noexcept;
  void update(std::string_view bytes) noexcept { update(bytes.data(), bytes.size()); }
  // Lower-case hex of the digest of everything given to update(). Call once; throws
  // std::runtime_error if any step failed.
  std::string finishHex();

 private:
  evp_md_ctx_st* context_;
  bool failed_ = false;
};

// Lower-case hex SHA-256 of the bytes.
std::string sha256Hex(std::string_view bytes);

// Lower-case hex SHA-256 of a file's bytes, read in 1 MiB chunks; nullopt when it cannot be
// opened or read.
std::optional<std::string> sha256OfFile(const std::filesystem::path& file);

// HMAC-SHA256 of `message` under `key`.
Sha256Digest hmacSha256(const unsigned char* key, std::size_t key_length, std::string_view message);

}  // namespace gateway::crypto
