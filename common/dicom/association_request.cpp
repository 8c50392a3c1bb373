#include "common/dicom/association_request.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>

namespace gateway::dicom {
namespace {
constexpr unsigned char kAssociateRqPduType = 0x01;
constexpr std::size_t kPduHeaderBytes = 6;

// Not all there yet: still coming, or never will (the peer has closed its end)?
RequestState incompleteOrClosed(int fd) {
  pollfd pfd{fd, POLLRDHUP, 0};
  if (::poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
    return RequestState::kClosed;
  }
  return RequestState::kIncomplete;
}
}  // namespace

const char* toString(RequestState state) {
  switch (state) {
    case RequestState::kComplete:
      return "complete";
    case RequestState::kIncomplete:
      return "association request timed out";
    case RequestState::kClosed:
      return "connection closed before association request";
    case RequestState::kNotDicom:
      return "not a DICOM association request";
    case RequestState::kTooLarge:
      return "association request too large";
  }
  return "unknown";
}

RequestState inspectAssociationRequest(int fd, std::size_t max_pdu_bytes,
                                       std::size_t* bytes_needed) {
  if (bytes_needed != nullptr) *bytes_needed = kPduHeaderBytes;
  unsigned char header[kPduHeaderBytes];
  const ssize_t got = ::recv(fd, header, sizeof(header), MSG_PEEK | MSG_DONTWAIT);
  if (got == 0) return RequestState::kClosed;
  if (got < 0) {
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? incompleteOrClosed(fd)
                                                                     : RequestState::kClosed;
  }
  if (header[0] != kAssociateRqPduType) return RequestState::kNotDicom;
  if (static_cast<std::size_t>(got) < kPduHeaderBytes) return incompleteOrClosed(fd);
  const std::size_t length = (std::size_t{header[2]} << 24) | (std::size_t{header[3]} << 16) |
                             (std::size_t{header[4]} << 8) | std::size_t{header[5]};
  if (length + kPduHeaderBytes > max_pdu_bytes) return RequestState::kTooLarge;
  if (bytes_needed != nullptr) *bytes_needed = length + kPduHeaderBytes;
  int available = 0;
  if (::ioctl(fd, FIONREAD, &available) != 0) return RequestState::kClosed;
  return static_cast<std::size_t>(available) >= length + kPduHeaderBytes ? RequestState::kComplete
                                                                         : incompleteOrClosed(fd);
}

}  // namespace gateway::dicom
