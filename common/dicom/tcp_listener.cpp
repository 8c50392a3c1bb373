#include "common/dicom/tcp_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace gateway::dicom {

TcpListener::~TcpListener() { close(); }

void TcpListener::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

void TcpListener::bind(const std::string& address, std::uint16_t port) {
  close();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    throw std::runtime_error("cannot listen on " + address + ": not an IPv4 address");
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket(): ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 256) != 0) {
    const int err = errno;
    ::close(fd);
    throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(port) + ": " +
                             std::strerror(err));
  }
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  fd_ = fd;
  port_ = ntohs(addr.sin_port);
}

std::optional<TcpListener::Accepted> TcpListener::acceptNow() {
  if (fd_ < 0) return std::nullopt;
  const int flags = SOCK_CLOEXEC | SOCK_NONBLOCK;
  sockaddr_in peer{};
  socklen_t len = sizeof(peer);
  const int fd = ::accept4(fd_, reinterpret_cast<sockaddr*>(&peer), &len, flags);
  if (fd < 0) return std::nullopt;  // EAGAIN, ECONNABORTED, EMFILE: try again next round
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  char text[INET_ADDRSTRLEN] = {0};
  ::inet_ntop(AF_INET, &peer.sin_addr, text, sizeof(text));
  return Accepted{fd, text, ntohs(peer.sin_port)};
}

}  // namespace gateway::dicom
