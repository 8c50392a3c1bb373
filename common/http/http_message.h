#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// What the product's HTTP server hands a handler and gets back: plain structs, so handlers
// (and their unit tests) never see Beast.
namespace gateway::http {

struct HttpRequest {
  std::string method;                        // "GET", "POST", ...
  std::string target;                        // as sent: "/api/worklist?date=20261203"
  std::string path;                          // percent-decoded, without the query: "/api/worklist"
  std::map<std::string, std::string> query;  // decoded; a name given twice keeps the last
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string peer_address;

  // The header's value, or "" when absent (`name` lower-case).
  std::string header(const std::string& name) const;
  // The query parameter, or nullopt.
  std::optional<std::string> param(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  static HttpResponse text(int status, std::string body);
  static HttpResponse json(int status, std::string body);
};

// The reason phrase of a status code ("Not Found").
const char* reasonPhrase(int status);

// Splits a request target into its decoded path and query. False when the target is not an
// origin-form path ("/..."), or has a broken %-escape, or a decoded path holding a NUL or a
// "/../" segment (nothing may climb out of a route).
bool parseTarget(std::string_view target, std::string& path,
                 std::map<std::string, std::string>& query);

// %XX decoding ('+' is a space only in a query); nullopt for a broken escape.
std::optional<std::string> percentDecode(std::string_view text, bool plus_is_space);

}  // namespace gateway::http
