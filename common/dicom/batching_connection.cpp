#include "common/dicom/batching_connection.h"

#include <cerrno>

namespace gateway::dicom {
namespace {

// A batch larger than this goes out by itself: memory stays bounded whatever the answers.
constexpr std::size_t kMaxHeldBytes = 256U << 10;

}  // namespace

BatchingTcpConnection::~BatchingTcpConnection() = default;

bool BatchingTcpConnection::flush() {
  if (failed_) return false;
  std::size_t done = 0;
  while (done < held_.size()) {
    const ssize_t n = DcmTCPConnection::write(held_.data() + done, held_.size() - done);
    if (n <= 0) {
      failed_ = true;
      held_.clear();
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  held_.clear();
  return true;
}

bool BatchingTcpConnection::endBatch() {
  batching_ = false;
  return flush();
}

ssize_t BatchingTcpConnection::write(void* buf, size_t nbyte) {
  if (failed_) {
    errno = EPIPE;
    return -1;
  }
  if (!batching_) return DcmTCPConnection::write(buf, nbyte);
  if (held_.size() + nbyte > kMaxHeldBytes) {
    if (!flush()) return -1;
    if (nbyte > kMaxHeldBytes) return DcmTCPConnection::write(buf, nbyte);
  }
  const auto* bytes = static_cast<const char*>(buf);
  held_.insert(held_.end(), bytes, bytes + nbyte);
  return static_cast<ssize_t>(nbyte);
}

ssize_t BatchingTcpConnection::read(void* buf, size_t nbyte) {
  if (failed_ || (!held_.empty() && !flush())) {
    errno = EPIPE;
    return -1;
  }
  return DcmTCPConnection::read(buf, nbyte);
}

OFBool BatchingTcpConnection::networkDataAvailable(int timeout) {
  if (failed_) return OFTrue;  // the read that follows reports the failure
  // A look without waiting (the C-CANCEL check between answers) keeps the batch; a wait for
  // the peer must not happen with bytes the peer is waiting for held back.
  if (timeout != 0 && !held_.empty() && !flush()) return OFTrue;
  return DcmTCPConnection::networkDataAvailable(timeout);
}

void BatchingTcpConnection::close() {
  if (!held_.empty()) flush();
  DcmTCPConnection::close();
}

void BatchingTcpConnection::closeTransportConnection() {
  if (!held_.empty()) flush();
  DcmTCPConnection::closeTransportConnection();
}

DcmTransportConnection* BatchingTransportLayer::createConnection(DcmNativeSocketType socket,
                                                                 OFBool use_secure_layer) {
  if (use_secure_layer) return nullptr;  // never asked: a TLS port has its own layer
  return new BatchingTcpConnection(socket);
}

}  // namespace gateway::dicom
