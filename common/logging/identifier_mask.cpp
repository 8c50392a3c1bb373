#include "common/logging/identifier_mask.h"

#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <ctime>

#include "common/crypto/sha256.h"

namespace gateway::logging {
namespace {

const std::array<unsigned char, 32>& processKey() {
  static const std::array<unsigned char, 32> key = [] {
    std::array<unsigned char, 32> k{};
    if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1) {
      // No entropy: fall back to the address of the key and the time, which still keeps
      // tokens from being a plain, precomputable hash.
      const auto seed =
          reinterpret_cast<std::uintptr_t>(&k) ^ static_cast<std::uintptr_t>(std::time(nullptr));
      for (std::size_t i = 0; i < k.size(); ++i) {
        k[i] = static_cast<unsigned char>(seed >> ((i % 8) * 8));
      }
    }
    return k;
  }();
  return key;
}

}  // namespace

std::string maskIdentifier(std::string_view value) {
  if (value.empty()) return "-";
  const auto& key = processKey();
  const auto digest = crypto::hmacSha256(key.data(), key.size(), value);
  char token[16];
  std::snprintf(token, sizeof(token), "~%02x%02x%02x%02x", digest[0], digest[1], digest[2],
                digest[3]);
  return token;
}

}  // namespace gateway::logging
