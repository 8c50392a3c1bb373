#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/http/http_message.h"

namespace spdlog {
class logger;
}

namespace gateway::http {

struct HttpServerOptions {
  std::string name = "http";  // thread names and log lines
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: an ephemeral port (tests)
  int workers = 4;         // threads running handlers
  // A client has this long to send a whole request (headers and body), and an idle
  // keep-alive connection this long before its next request: a slow or silent client is cut.
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds write_timeout{30000};  // to take the whole response
  std::size_t max_header_bytes = 16 * 1024;        // request line + headers: else 431
  std::size_t max_body_bytes = 1024 * 1024;        // else 413
  int max_connections = 64;                        // open at once; more are closed at accept
  int max_queued = 32;                             // requests waiting for a worker; else 503
};

// Runs a handler for each request; may throw (the server answers 500).
using HttpHandler = std::function<HttpResponse(const HttpRequest& request)>;

// An embedded HTTP/1.1 server (Boost.Beast, ADR 0018) on its own threads and port, apart
// from the DICOM services: one I/O thread "<name>-io" does every read and write
// asynchronously, each under a deadline, and never runs a handler; handlers run on
// `workers` threads "<name>-w<N>", so a slow handler (a C-ECHO, a thumbnail) holds only a
// worker, and a full queue answers 503 at once. Requests are bounded in size before memory
// is spent on them; a malformed one gets 400 and the connection is closed. Keep-alive is
// supported. No TLS: bind to loopback, or put a proxy in front.
class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler, spdlog::logger& logger);
  ~HttpServer();  // stop() if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the port; throws std::runtime_error (address in use, bad address) before any
  // thread starts.
  void bind();
  std::uint16_t port() const;
  void start();
  // Closes the listening socket and every connection, joins all threads. A handler still
  // running finishes first.
  void stop();

  struct Impl;  // http_server.cpp

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gateway::http
