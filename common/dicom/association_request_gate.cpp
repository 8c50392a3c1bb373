#include "common/dicom/association_request_gate.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace gateway::dicom {
namespace {

constexpr unsigned char kAssociateRqPduType = 0x01;
constexpr std::size_t kPduHeaderBytes = 6;

// Sets SO_RCVLOWAT so that poll() reports the socket readable only once `bytes` are
// buffered (Linux honours it for poll), which avoids spinning on a trickling peer.
void setLowWatermark(int fd, std::size_t bytes) {
  const int value = static_cast<int>(bytes);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &value, sizeof(value));
}

// Peeks until `need` bytes are buffered; returns how many are (need, or fewer on failure).
GateResult peekAtLeast(int fd, std::size_t need, std::vector<unsigned char>& buffer,
                       std::chrono::steady_clock::time_point deadline) {
  buffer.resize(need);
  setLowWatermark(fd, need);
  for (int round = 0; round < 10000; ++round) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return GateResult::kTimedOut;
    pollfd pfd{fd, POLLIN | POLLRDHUP, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) return GateResult::kClosed;
    if (ready <= 0) continue;
    const ssize_t got = ::recv(fd, buffer.data(), need, MSG_PEEK | MSG_DONTWAIT);
    if (got == 0) return GateResult::kClosed;
    if (got < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      return GateResult::kClosed;
    }
    if (static_cast<std::size_t>(got) >= need) return GateResult::kComplete;
    // The peer finished sending (or failed) with less than a whole request buffered.
    if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) return GateResult::kClosed;
  }
  return GateResult::kTimedOut;
}

}  // namespace

const char* toString(GateResult result) {
  switch (result) {
    case GateResult::kComplete:
      return "complete";
    case GateResult::kTimedOut:
      return "association request timed out";
    case GateResult::kClosed:
      return "connection closed before association request";
    case GateResult::kNotDicom:
      return "not a DICOM association request";
    case GateResult::kTooLarge:
      return "association request too large";
  }
  return "unknown";
}

GateResult waitForAssociationRequest(int fd, std::chrono::steady_clock::time_point deadline,
                                     std::size_t max_pdu_bytes) {
  std::vector<unsigned char> buffer;
  GateResult result = peekAtLeast(fd, kPduHeaderBytes, buffer, deadline);
  if (result == GateResult::kComplete) {
    if (buffer[0] != kAssociateRqPduType) {
      result = GateResult::kNotDicom;
    } else {
      const std::size_t length = (std::size_t{buffer[2]} << 24) | (std::size_t{buffer[3]} << 16) |
                                 (std::size_t{buffer[4]} << 8) | std::size_t{buffer[5]};
      if (length + kPduHeaderBytes > max_pdu_bytes) {
        result = GateResult::kTooLarge;
      } else {
        result = peekAtLeast(fd, kPduHeaderBytes + length, buffer, deadline);
      }
    }
  }
  setLowWatermark(fd, 1);
  return result;
}

}  // namespace gateway::dicom
