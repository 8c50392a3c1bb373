#include "common/dicom/association_request.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
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

RequestState classifyAssociationRequest(const unsigned char* header, std::size_t header_bytes,
                                        std::size_t available, std::size_t max_pdu_bytes,
                                        std::size_t* bytes_needed) {
  if (bytes_needed != nullptr) *bytes_needed = kPduHeaderBytes;
  if (header_bytes == 0) return RequestState::kIncomplete;
  if (header[0] != kAssociateRqPduType) return RequestState::kNotDicom;
  if (header_bytes < kPduHeaderBytes) return RequestState::kIncomplete;
  const std::size_t length = (std::size_t{header[2]} << 24) | (std::size_t{header[3]} << 16) |
                             (std::size_t{header[4]} << 8) | std::size_t{header[5]};
  if (length + kPduHeaderBytes > max_pdu_bytes) return RequestState::kTooLarge;
  if (bytes_needed != nullptr) *bytes_needed = length + kPduHeaderBytes;
  return available >= length + kPduHeaderBytes ? RequestState::kComplete
                                               : RequestState::kIncomplete;
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
  int available = 0;
  if (static_cast<std::size_t>(got) == kPduHeaderBytes && ::ioctl(fd, FIONREAD, &available) != 0) {
    return RequestState::kClosed;
  }
  const RequestState state = classifyAssociationRequest(
      header, static_cast<std::size_t>(got),
      std::max(static_cast<std::size_t>(got), static_cast<std::size_t>(available)), max_pdu_bytes,
      bytes_needed);
  return state == RequestState::kIncomplete ? incompleteOrClosed(fd) : state;
}

}  // namespace gateway::dicom
