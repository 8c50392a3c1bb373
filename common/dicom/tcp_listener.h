#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace gateway::dicom {

// A listening IPv4 TCP socket of our own (not DCMTK's), so that accepting a connection
// never reads from it: reading the association request happens later, on a worker, with a
// deadline. Port 0 binds an ephemeral port (tests); port() tells which.
class TcpListener {
 public:
  TcpListener() = default;
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  // Throws std::runtime_error with the address and the OS error (e.g. port in use).
  void bind(const std::string& address, std::uint16_t port);
  std::uint16_t port() const { return port_; }

  struct Accepted {
    int fd;
    std::string peer_address;
    std::uint16_t peer_port;
  };
  // Waits at most `wait` for a connection. The accepted socket is blocking, close-on-exec
  // and has TCP_NODELAY set (DCMTK leaves Nagle on, which stalls each response ~40 ms).
  std::optional<Accepted> accept(std::chrono::milliseconds wait);

  void close();

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace gateway::dicom
