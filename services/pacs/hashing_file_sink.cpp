#include "services/pacs/hashing_file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

namespace gateway::pacs {
namespace {

// Every this many bytes, ask the kernel to start writing back what we have so far: the disk
// then writes while the network still delivers, the final fsync has little left to do, and
// large objects do not pile up dirty pages.
constexpr std::uint64_t kWritebackChunk = 4ULL << 20;
constexpr std::size_t kBufferBytes = 1U << 20;

}  // namespace

HashingFileSink::HashingFileSink(int fd) : fd_(fd) { buffer_.reserve(kBufferBytes); }

OFCondition HashingFileSink::status() const {
  if (failure_ == Failure::kNone) return EC_Normal;
  return makeOFCondition(0, 2, OF_error, failureText().c_str());
}

offile_off_t HashingFileSink::avail() const {
  return static_cast<offile_off_t>(std::numeric_limits<std::int32_t>::max());
}

std::string HashingFileSink::failureText() const {
  switch (failure_) {
    case Failure::kNone:
      return {};
    case Failure::kIoError:
      return std::string("cannot write to storage: ") + std::strerror(errno_);
  }
  return {};
}

offile_off_t HashingFileSink::write(const void* buf, offile_off_t buflen) {
  if (failure_ != Failure::kNone || buflen <= 0) return 0;
  const auto length = static_cast<std::uint64_t>(buflen);
  const auto* bytes = static_cast<const char*>(buf);
  sha_.update(bytes, length);
  written_ += length;
  if (buffer_.size() + length > kBufferBytes && !finish()) return 0;
  if (length >= kBufferBytes) {
    if (!writeOut(bytes, length)) return 0;
  } else {
    buffer_.insert(buffer_.end(), bytes, bytes + length);
  }
  return buflen;
}

bool HashingFileSink::finish() {
  if (failure_ != Failure::kNone) return false;
  if (buffer_.empty()) return true;
  const bool ok = writeOut(buffer_.data(), buffer_.size());
  buffer_.clear();
  return ok;
}

bool HashingFileSink::writeOut(const char* bytes, std::size_t length) {
  std::size_t done = 0;
  while (done < length) {
    const ssize_t n = ::write(fd_, bytes + done, length - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      errno_ = errno;
      failure_ = Failure::kIoError;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  on_disk_ += length;
  if (on_disk_ - writeback_started_ >= kWritebackChunk) {
    ::sync_file_range(fd_, static_cast<off_t>(writeback_started_),
                      static_cast<off_t>(on_disk_ - writeback_started_), SYNC_FILE_RANGE_WRITE);
    writeback_started_ = on_disk_;
  }
  return true;
}

std::string HashingFileSink::finishHash() { return sha_.finishHex(); }

}  // namespace gateway::pacs
