#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace gateway::dicom {

// A listening IPv4 TCP socket of our own (not DCMTK's), so that accepting a connection
// never reads from it: the association request is awaited later, with a deadline. Port 0 binds an
// ephemeral port (tests); port() tells which.
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
  // Accepts one waiting connection without waiting; nullopt when none is waiting. Its socket
  // is non-blocking (the admission thread watches it with epoll), close-on-exec, and has
  // TCP_NODELAY set (DCMTK leaves Nagle on, which stalls each response ~40 ms).
  std::optional<Accepted> acceptNow();
  int fd() const { return fd_; }

  void close();

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace gateway::dicom
