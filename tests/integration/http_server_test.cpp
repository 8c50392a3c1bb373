// The embedded HTTP server against slow, oversized, malformed and many clients: each gets a
// 4xx or is cut off in bounded time, and the server goes on answering everyone else.
#include "common/http/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "common/http/http_client.h"
#include "common/logging/logging.h"

namespace gateway::http {
namespace {

using Clock = std::chrono::steady_clock;

int connectTo(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Everything the server sends until it closes the connection or `limit` passes.
std::string readAll(int fd, std::chrono::milliseconds limit) {
  std::string out;
  const auto deadline = Clock::now() + limit;
  char buffer[4096];
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (::poll(&p, 1, static_cast<int>(std::max<long long>(1, left.count()))) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

void sendAll(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

std::string exchange(std::uint16_t port, const std::string& bytes,
                     std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  const int fd = connectTo(port);
  if (fd < 0) return "connect failed";
  sendAll(fd, bytes);
  ::shutdown(fd, SHUT_WR);  // all sent: the server need not linger for more
  std::string reply = readAll(fd, limit);
  ::close(fd);
  return reply;
}

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    logging::initLogging("warn");
    HttpServerOptions options;
    options.port = 0;
    options.workers = 2;
    options.request_timeout = std::chrono::milliseconds(500);
    options.max_header_bytes = 2048;
    options.max_body_bytes = 4096;
    options.max_connections = 8;
    options.max_queued = 4;
    server_ = std::make_unique<HttpServer>(
        options,
        [this](const HttpRequest& request) {
          if (request.path == "/slow") {
            ++slow_running_;
            std::this_thread::sleep_for(std::chrono::milliseconds(1500));
            --slow_running_;
          }
          if (request.path == "/throw") throw std::runtime_error("boom");
          return HttpResponse::text(
              200, request.method + " " + request.path + " " + std::to_string(request.body.size()));
        },
        *logging::http());
    server_->bind();
    server_->start();
  }
  ~HttpServerTest() override { server_->stop(); }

  bool stillServes() {
    const auto response =
        httpRequest("127.0.0.1", server_->port(), "GET", "/ok", {}, {}, std::chrono::seconds(5));
    return response.answered() && response.status == 200 && response.body == "GET /ok 0";
  }

  std::atomic<int> slow_running_{0};
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, AnswersAndKeepsTheConnectionAlive) {
  const std::string two =
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
      "Connection: close\r\n\r\nabc";
  const std::string reply = exchange(server_->port(), two);
  EXPECT_NE(reply.find("GET /a 0"), std::string::npos) << reply;
  EXPECT_NE(reply.find("POST /b 3"), std::string::npos) << reply;
  EXPECT_NE(reply.find("Cache-Control: no-store"), std::string::npos) << reply;
}

TEST_F(HttpServerTest, RefusesAnOversizedBodyWith413) {
  const std::string request =
      "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + std::string(8192, 'a');
  const std::string reply = exchange(server_->port(), request);
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
  EXPECT_TRUE(stillServes());
}

TEST_F(HttpServerTest, RefusesOversizedHeadersWith431) {
  const std::string request =
      "GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'b') + "\r\n\r\n";
  const std::string reply = exchange(server_->port(), request);
  EXPECT_EQ(reply.rfind("HTTP/1.1 431", 0), 0u) << reply;
  EXPECT_TRUE(stillServes());
}

TEST_F(HttpServerTest, RefusesMalformedRequestsWith400) {
  for (const std::string& garbage :
       {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
        std::string("GET / HTTP/9.9\r\n\r\n"), std::string("GET /x HTTP/1.1\r\nBad Header\r\n\r\n"),
        std::string("GET not-a-path HTTP/1.1\r\nHost: x\r\n\r\n"),
        std::string("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
        std::string("POST /x HTTP/1.1\r\nContent-Length: -5\r\n\r\n")}) {
    const std::string reply = exchange(server_->port(), garbage);
    EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << garbage << " -> " << reply;
  }
  EXPECT_TRUE(stillServes());
}

TEST_F(HttpServerTest, CutsOffASlowClientAfterTheRequestDeadline) {
  const int fd = connectTo(server_->port());
  ASSERT_GE(fd, 0);
  const auto started = Clock::now();
  sendAll(fd, "GET /x HTTP/1.1\r\nHost: x\r\n");  // and never the end of the headers
  const std::string reply = readAll(fd, std::chrono::seconds(5));
  const auto waited = Clock::now() - started;
  ::close(fd);
  EXPECT_EQ(reply, "");  // cut off: the deadline closed the connection
  EXPECT_GE(waited, std::chrono::milliseconds(400));
  EXPECT_LT(waited, std::chrono::seconds(3));
  // A silent connection is closed without a word.
  const int idle = connectTo(server_->port());
  EXPECT_EQ(readAll(idle, std::chrono::seconds(5)), "");
  ::close(idle);
  EXPECT_TRUE(stillServes());
}

TEST_F(HttpServerTest, ClosesConnectionsBeyondItsLimitAndServesAgainAfterwards) {
  std::vector<int> held;
  for (int i = 0; i < 8; ++i) held.push_back(connectTo(server_->port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const int extra = connectTo(server_->port());
  EXPECT_EQ(readAll(extra, std::chrono::seconds(2)), "");  // closed at once, nothing sent
  ::close(extra);
  for (const int fd : held) ::close(fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(stillServes());
}

TEST_F(HttpServerTest, ASlowHandlerHoldsOneWorkerNotTheServer) {
  std::thread slow([this] {
    httpRequest("127.0.0.1", server_->port(), "GET", "/slow", {}, {}, std::chrono::seconds(5));
  });
  for (int i = 0; i < 200 && slow_running_ == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto started = Clock::now();
  EXPECT_TRUE(stillServes());
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(1000));
  slow.join();
}

TEST_F(HttpServerTest, AnswersAHandlersExceptionWith500) {
  const auto response =
      httpRequest("127.0.0.1", server_->port(), "GET", "/throw", {}, {}, std::chrono::seconds(5));
  ASSERT_TRUE(response.answered()) << response.error;
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.headers.at("content-type"), "application/json");
  EXPECT_TRUE(stillServes());
}

TEST(HttpServerBind, FailsLoudlyWhenThePortIsTaken) {
  HttpServerOptions options;
  HttpServer first(
      options, [](const HttpRequest&) { return HttpResponse::text(200, ""); }, *logging::http());
  first.bind();
  options.port = first.port();
  HttpServer second(
      options, [](const HttpRequest&) { return HttpResponse::text(200, ""); }, *logging::http());
  EXPECT_THROW(second.bind(), std::runtime_error);
}

TEST(HttpClient, ReportsAConnectionThatNobodyAnswers) {
  HttpServerOptions options;
  std::uint16_t port = 0;
  {
    HttpServer server(
        options, [](const HttpRequest&) { return HttpResponse::text(200, ""); }, *logging::http());
    server.bind();
    port = server.port();
  }
  const auto response = httpRequest("127.0.0.1", port, "GET", "/", {}, {}, std::chrono::seconds(2));
  EXPECT_FALSE(response.answered());
  EXPECT_NE(response.error.find("connect"), std::string::npos) << response.error;
}

}  // namespace
}  // namespace gateway::http
