#include "common/http/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <optional>

namespace gateway::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

ClientResponse httpRequest(const std::string& host, std::uint16_t port, const std::string& method,
                           const std::string& target, const std::string& body,
                           const std::vector<std::pair<std::string, std::string>>& headers,
                           std::chrono::milliseconds timeout, std::size_t max_body_bytes) {
  ClientResponse result;
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  bhttp::request<bhttp::string_body> request(bhttp::string_to_verb(method), target, 11);
  request.set(bhttp::field::host, host + ":" + std::to_string(port));
  request.set(bhttp::field::user_agent, "screening-gateway");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.keep_alive(false);
  request.prepare_payload();
  std::optional<bhttp::response_parser<bhttp::string_body>> parser;
  parser.emplace();
  parser->body_limit(max_body_bytes);

  auto fail = [&result](const char* phase, const beast::error_code& ec) {
    if (result.error.empty()) result.error = std::string(phase) + ": " + ec.message();
  };
  stream.expires_after(timeout);
  resolver.async_resolve(
      host, std::to_string(port), [&](beast::error_code ec, tcp::resolver::results_type endpoints) {
        if (ec) return fail("resolve", ec);
        stream.async_connect(endpoints, [&](beast::error_code ec2, const tcp::endpoint&) {
          if (ec2) return fail("connect", ec2);
          bhttp::async_write(stream, request, [&](beast::error_code ec3, std::size_t) {
            if (ec3) return fail("send", ec3);
            bhttp::async_read(stream, buffer, *parser, [&](beast::error_code ec4, std::size_t) {
              if (ec4) return fail("receive", ec4);
              auto& response = parser->get();
              result.status = static_cast<int>(response.result_int());
              for (const auto& field : response) {
                std::string name(field.name_string());
                for (char& c : name)
                  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                result.headers[name] = std::string(field.value());
              }
              result.body = std::move(response.body());
              beast::error_code ignored;
              stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            });
          });
        });
      });
  io.run();
  if (!result.error.empty()) result.status = 0;
  return result;
}

}  // namespace gateway::http
