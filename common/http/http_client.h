#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gateway::http {

struct ClientResponse {
  std::string error;  // empty: a response arrived (whatever its status)
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool answered() const { return error.empty(); }
};

// One HTTP/1.1 request over a fresh connection, the whole exchange (connect, send, receive)
// within `timeout`; a response body larger than `max_body_bytes` is an error. For the
// commands that ask the running gateway (`healthcheck --json`, `status`) and for tests.
ClientResponse httpRequest(const std::string& host, std::uint16_t port, const std::string& method,
                           const std::string& target, const std::string& body = {},
                           const std::vector<std::pair<std::string, std::string>>& headers = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(10),
                           std::size_t max_body_bytes = 64 * 1024 * 1024);

}  // namespace gateway::http
