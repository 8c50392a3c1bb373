#pragma once

#include <filesystem>
#include <string>

#include "common/http/http_message.h"

namespace gateway::window {

// Who may do what through the operator's window (ADR 0018):
//  - reads (the page, GET API, /metrics, thumbnails) need no token when the server is bound
//    to a loopback address, or when open_reads says so; otherwise the token;
//  - writes (POST) always need the token; with no token configured the write API is off;
//  - a request that presents a token gets unmasked patient data where the API offers it.
// The token is compared in constant time (crypto::constantTimeEquals) and never logged.
class ApiAccess {
 public:
  enum class Verdict {
    kGranted,
    kMissingToken,  // 401: send Authorization: Bearer <token>
    kWrongToken,    // 403
    kWritesOff,     // 403: no token configured
  };

  ApiAccess(std::string token, bool reads_need_token)
      : token_(std::move(token)), reads_need_token_(reads_need_token) {}

  Verdict read(const http::HttpRequest& request) const;
  Verdict write(const http::HttpRequest& request) const;
  // The request carries the right token (so may see unmasked data).
  bool hasToken(const http::HttpRequest& request) const;
  bool writesEnabled() const { return !token_.empty(); }
  bool readsNeedToken() const { return reads_need_token_; }

 private:
  // The token the request presents; "" when none.
  static std::string presented(const http::HttpRequest& request);

  std::string token_;
  bool reads_need_token_;
};

// Reads the token from its file: surrounding white space (a final newline) is not part of
// it. Throws std::runtime_error naming the file when it cannot be read or holds no token, or
// a token shorter than 16 characters (guessable).
std::string loadApiToken(const std::filesystem::path& file);

// 127.0.0.0/8.
bool isLoopbackAddress(const std::string& ipv4);

}  // namespace gateway::window
