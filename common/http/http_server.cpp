#include "common/http/http_server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/json/json_writer.h"
#include "common/logging/logging.h"
#include "common/logging/peer_text.h"
#include "common/logging/rate_limited_log.h"

namespace gateway::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr std::chrono::seconds kLinger{3};
constexpr std::size_t kMaxDrainBytes = 64ULL << 20;

HttpResponse errorResponse(int status, const std::string& message) {
  json::Json body = json::Json::object();
  body["error"] = message;
  return HttpResponse::json(status, json::toJsonLine(body) + "\n");
}

}  // namespace

struct HttpServer::Impl {
  Impl(HttpServerOptions o, HttpHandler h, spdlog::logger& l)
      : options(std::move(o)), handler(std::move(h)), logger(l), refusals(l) {}

  // Declaration order is destruction order reversed, and it matters: sessions still queued
  // when the server goes away are destroyed with the io_contexts, and they use everything
  // declared before them. `io` outlives `work` (queued handlers hold sessions whose sockets
  // belong to io), and the acceptor and timer die before io.
  HttpServerOptions options;
  HttpHandler handler;
  spdlog::logger& logger;
  logging::RateLimitedLog refusals;
  std::atomic<int> connections{0};
  std::atomic<int> queued{0};
  std::atomic<bool> running{false};

  asio::io_context io{1};
  asio::io_context work;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_guard;
  tcp::acceptor acceptor{io};
  asio::steady_timer accept_backoff{io};
  std::thread io_thread;
  std::vector<std::thread> workers;

  void doAccept();
};

namespace {

// One connection, driven by the I/O thread; a request in a worker's hands keeps it alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(HttpServer::Impl& server, tcp::socket socket)
      : server_(&server),
        stream_(std::move(socket)),
        buffer_(server_->options.max_header_bytes + server_->options.max_body_bytes + 4096) {
    beast::error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = endpoint.address().to_string();
  }
  ~Session() { --server_->connections; }

  void start() { readRequest(); }

 private:
  void readRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.max_header_bytes));
    parser_->body_limit(server_->options.max_body_bytes);
    stream_.expires_after(server_->options.request_timeout);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return close();
    }
    if (ec == beast::error::timeout) {
      // Beast's stream has closed the socket already: a client that did not send its whole
      // request in time (or stayed idle) is cut off without an answer.
      if (parser_->got_some()) refused("request_timeout", "request not received in time");
      return close();
    }
    if (ec == bhttp::error::body_limit) {
      refused("body_limit", "request body too large");
      return respond(
          errorResponse(413, "request body larger than " +
                                 std::to_string(server_->options.max_body_bytes) + " bytes"),
          true);
    }
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      refused("header_limit", "request headers too large");
      return respond(
          errorResponse(431, "request line and headers larger than " +
                                 std::to_string(server_->options.max_header_bytes) + " bytes"),
          true);
    }
    if (ec) {
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() ||
          ec == bhttp::error::partial_message) {
        refused("malformed", "malformed request: " + ec.message());
        return respond(errorResponse(400, "malformed HTTP request: " + ec.message()), true);
      }
      return close();
    }

    auto& message = parser_->get();
    keep_alive_ = message.keep_alive();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.peer_address = peer_;
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers[name] = std::string(field.value());
    }
    request.body = std::move(message.body());
    if (!parseTarget(request.target, request.path, request.query)) {
      refused("bad_target", "bad request target");
      return respond(errorResponse(400, "request target is not a valid path"), true);
    }
    if (server_->queued.load() >= server_->options.max_queued) {
      refused("busy", "every worker busy");
      HttpResponse busy = errorResponse(503, "busy: try again shortly");
      busy.headers.emplace_back("Retry-After", "1");
      return respond(std::move(busy), false);
    }
    ++server_->queued;
    asio::post(server_->work, [self = shared_from_this(), request = std::move(request)]() {
      const auto started = std::chrono::steady_clock::now();
      HttpResponse response;
      try {
        response = self->server_->handler(request);
      } catch (const std::exception& e) {
        self->server_->logger.error("request failed method={} path=\"{}\" error=\"{}\"",
                                    request.method, logging::escaped(request.path),
                                    logging::escaped(e.what()));
        response = errorResponse(500, "internal error");
      }
      --self->server_->queued;
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
      // Reads are frequent (the page refreshes, Prometheus scrapes): debug; writes and
      // errors: info.
      const bool notable = request.method != "GET" || response.status >= 400;
      self->server_->logger.log(notable ? spdlog::level::info : spdlog::level::debug,
                                "request method={} path=\"{}\" peer={} status={} bytes={} ms={}",
                                logging::escaped(request.method, 16),
                                logging::escaped(request.path), request.peer_address,
                                response.status, response.body.size(), ms);
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->respond(std::move(response), false);
      });
    });
  }

  void respond(HttpResponse response, bool close_after) {
    auto message = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(response.status), 11);
    message->reason(reasonPhrase(response.status));
    message->set(bhttp::field::server, "screening-gateway");
    message->set(bhttp::field::content_type, response.content_type);
    message->set(bhttp::field::cache_control, "no-store");
    message->set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : response.headers) message->set(name, value);
    message->keep_alive(keep_alive_ && !close_after);
    message->body() = std::move(response.body);
    message->prepare_payload();
    stream_.expires_after(server_->options.write_timeout);
    bhttp::async_write(
        stream_, *message,
        [self = shared_from_this(), message, close_after](beast::error_code ec, std::size_t) {
          if (ec) return self->close();
          // A client refused for what it sent may still be sending it.
          if (close_after) return self->lingerThenClose();
          if (!message->keep_alive()) return self->close();
          self->readRequest();
        });
  }

  // After refusing a request that may still be arriving (a body too large), read and drop
  // what the client keeps sending for a little while before closing: closing with unread
  // data would reset the connection, and the client might never read our answer.
  void lingerThenClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(kLinger);
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kMaxDrainBytes) return self->close();
                              self->drain();
                            });
  }

  void refused(const std::string& kind, const std::string& why) {
    server_->refusals.event(spdlog::level::info, kind + "|" + peer_,
                            "request refused service=" + server_->options.name + " peer=" + peer_ +
                                " reason=\"" + logging::escaped(why) + "\"");
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  HttpServer::Impl* server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string peer_;
  bool keep_alive_ = false;
  std::array<char, 16384> discard_{};
  std::size_t drained_ = 0;
};

}  // namespace

void HttpServer::Impl::doAccept() {
  acceptor.async_accept([self = this](beast::error_code ec, tcp::socket socket) {
    if (!self->running) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      // Out of descriptors and the like: wait a little rather than spin.
      self->accept_backoff.expires_after(std::chrono::milliseconds(50));
      self->accept_backoff.async_wait([self](beast::error_code) {
        if (self->running) self->doAccept();
      });
      return;
    }
    if (self->connections.load() >= self->options.max_connections) {
      beast::error_code ignored;
      const auto peer = socket.remote_endpoint(ignored);
      self->refusals.event(spdlog::level::warn, "connections|" + peer.address().to_string(),
                           "connection refused service=" + self->options.name + " peer=" +
                               peer.address().to_string() + " reason=\"too many connections\"");
      socket.close(ignored);
    } else {
      ++self->connections;
      std::make_shared<Session>(*self, std::move(socket))->start();
    }
    self->doAccept();
  });
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler, spdlog::logger& logger)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), logger)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::bind() {
  Impl& s = *impl_;
  beast::error_code ec;
  const auto address = asio::ip::make_address(s.options.bind_address, ec);
  if (ec) throw std::runtime_error("HTTP: '" + s.options.bind_address + "' is not an address");
  const tcp::endpoint endpoint(address, s.options.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    s.acceptor.close(ignored);
    throw std::runtime_error("HTTP: cannot listen on " + s.options.bind_address + ":" +
                             std::to_string(s.options.port) + ": " + ec.message());
  }
}

std::uint16_t HttpServer::port() const {
  beast::error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void HttpServer::start() {
  Impl& s = *impl_;
  if (!s.acceptor.is_open()) bind();
  s.running = true;
  s.work_guard.emplace(s.work.get_executor());
  for (int i = 0; i < s.options.workers; ++i) {
    s.workers.emplace_back([this, i] {
      logging::setThreadName(impl_->options.name + "-w" + std::to_string(i + 1));
      impl_->work.run();
    });
  }
  s.doAccept();
  s.io_thread = std::thread([this] {
    logging::setThreadName(impl_->options.name + "-io");
    impl_->io.run();
  });
  s.logger.info("listening service={} address={}:{} workers={}", s.options.name,
                s.options.bind_address, port(), s.options.workers);
}

void HttpServer::stop() {
  Impl& s = *impl_;
  if (!s.running.exchange(false)) return;
  // Workers finish the handler they run; queued requests are dropped with their sessions.
  s.work_guard.reset();
  s.work.stop();
  for (auto& worker : s.workers) worker.join();
  s.workers.clear();
  s.io.stop();
  if (s.io_thread.joinable()) s.io_thread.join();
  beast::error_code ignored;
  s.acceptor.close(ignored);
  s.refusals.flush(true);
}

}  // namespace gateway::http
