#include "common/crypto/constant_time.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

namespace gateway::crypto {
namespace {

bool digest(std::string_view text, std::array<unsigned char, EVP_MAX_MD_SIZE>& out) {
  unsigned int length = 0;
  return EVP_Digest(text.data(), text.size(), out.data(), &length, EVP_sha256(), nullptr) == 1 &&
         length == 32;
}

}  // namespace

bool constantTimeEquals(std::string_view given, std::string_view expected) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> a{};
  std::array<unsigned char, EVP_MAX_MD_SIZE> b{};
  if (!digest(given, a) || !digest(expected, b)) return false;
  return CRYPTO_memcmp(a.data(), b.data(), 32) == 0;
}

}  // namespace gateway::crypto
