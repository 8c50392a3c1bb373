#include "services/window/api_access.h"

#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/crypto/constant_time.h"
#include "common/text/trim.h"

namespace gateway::window {

std::string ApiAccess::presented(const http::HttpRequest& request) {
  const std::string header = request.header("authorization");
  const std::string scheme = "bearer ";
  if (header.size() <= scheme.size()) return {};
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return {};
  }
  return text::trim(std::string_view(header).substr(scheme.size()));
}

bool ApiAccess::hasToken(const http::HttpRequest& request) const {
  if (token_.empty()) return false;
  const std::string given = presented(request);
  return !given.empty() && crypto::constantTimeEquals(given, token_);
}

ApiAccess::Verdict ApiAccess::read(const http::HttpRequest& request) const {
  const std::string given = presented(request);
  if (!given.empty()) {
    // A token that is presented must be right, even where none is needed: a client with a
    // stale token learns it at once.
    return !token_.empty() && crypto::constantTimeEquals(given, token_) ? Verdict::kGranted
                                                                        : Verdict::kWrongToken;
  }
  return reads_need_token_ ? Verdict::kMissingToken : Verdict::kGranted;
}

ApiAccess::Verdict ApiAccess::write(const http::HttpRequest& request) const {
  if (token_.empty()) return Verdict::kWritesOff;
  const std::string given = presented(request);
  if (given.empty()) return Verdict::kMissingToken;
  return crypto::constantTimeEquals(given, token_) ? Verdict::kGranted : Verdict::kWrongToken;
}

std::string loadApiToken(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("API token file " + file.string() + " cannot be read");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string token = text::trim(bytes.str());
  if (token.empty()) throw std::runtime_error("API token file " + file.string() + " is empty");
  if (token.size() < 16) {
    throw std::runtime_error("API token in " + file.string() + " is shorter than 16 characters");
  }
  for (const char c : token) {
    if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7f) {
      throw std::runtime_error("API token in " + file.string() +
                               " holds a space or a character that is not printable ASCII");
    }
  }
  return token;
}

bool isLoopbackAddress(const std::string& ipv4) { return ipv4.rfind("127.", 0) == 0; }

}  // namespace gateway::window
