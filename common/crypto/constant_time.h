#pragma once

#include <string_view>

namespace gateway::crypto {

// Whether two secrets are equal, in time that depends on neither: both are hashed to SHA-256
// and the digests compared with OpenSSL's CRYPTO_memcmp, so neither a differing byte's
// position nor the length of the right secret shows in how long it takes. For API tokens.
bool constantTimeEquals(std::string_view given, std::string_view expected);

}  // namespace gateway::crypto
