#include "services/pacs/hashing_file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

namespace gateway::pacs {
namespace {

// Every this many bytes, ask the kernel to start writing back what we have so far: the disk
// then writes while the network still delivers, the final fsync has little left to do, and
// large objects do not pile up dirty pages.
constexpr std::uint64_t kWritebackChunk = 4ULL << 20;
constexpr std::size_t kBufferBytes = 1U << 20;

}  // namespace

HashingFileSink::HashingFileSink(int fd) : fd_(fd) {
  buffers_[0].reset(
      static_cast<char*>(std::aligned_alloc(durable::DirectChunkWriter::kAlignment, kBufferBytes)));
  if (!buffers_[0]) throw std::bad_alloc();
}

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
  auto length = static_cast<std::size_t>(buflen);
  const auto* bytes = static_cast<const char*>(buf);
  // Hashed here, where the bytes are, while the writer thread writes the previous buffer
  // (measured: hashing on the writer thread instead made it the bottleneck).
  sha_.update(bytes, length);
  written_ += length;
  while (length > 0) {
    const std::size_t n = std::min(length, kBufferBytes - filled_);
    std::memcpy(buffers_[current_].get() + filled_, bytes, n);
    filled_ += n;
    bytes += n;
    length -= n;
    if (filled_ == kBufferBytes && !flushFullBuffer()) return 0;
  }
  return buflen;
}

bool HashingFileSink::flushFullBuffer() {
  if (!direct_ && !direct_unavailable_) {
    direct_.emplace(fd_);
    if (!direct_->enable()) {
      direct_.reset();
      direct_unavailable_ = true;
    }
  }
  if (!direct_) {
    if (!writeOut(buffers_[current_].get(), filled_, on_disk_)) return false;
    on_disk_ += filled_;
    filled_ = 0;
    return true;
  }
  const int other = 1 - current_;
  if (!buffers_[other]) {
    buffers_[other].reset(static_cast<char*>(
        std::aligned_alloc(durable::DirectChunkWriter::kAlignment, kBufferBytes)));
    if (!buffers_[other]) {
      errno_ = ENOMEM;
      failure_ = Failure::kIoError;
      return false;
    }
  }
  // Returns once the other buffer's chunk is on its way no more.
  if (!direct_->submit(buffers_[current_].get(), filled_, on_disk_)) return directFailed();
  in_flight_ = current_;
  in_flight_offset_ = on_disk_;
  on_disk_ += filled_;
  current_ = other;
  filled_ = 0;
  return true;
}

// The chunk in flight failed. EINVAL means this file system takes O_DIRECT but not our
// chunks: write that chunk (still in its buffer) through the page cache and never try again.
// Anything else is a real write error.
bool HashingFileSink::directFailed() {
  direct_->wait();
  const int error = direct_->errorNumber();
  direct_.reset();
  direct_unavailable_ = true;
  const int failed = in_flight_;
  in_flight_ = -1;
  if (error != EINVAL || failed < 0) {
    errno_ = error;
    failure_ = Failure::kIoError;
    return false;
  }
  if (!writeOut(buffers_[failed].get(), kBufferBytes, in_flight_offset_)) return false;
  if (filled_ == kBufferBytes) {
    if (!writeOut(buffers_[current_].get(), filled_, on_disk_)) return false;
    on_disk_ += filled_;
    filled_ = 0;
  }
  return true;
}

bool HashingFileSink::finish() {
  if (failure_ != Failure::kNone) return false;
  if (direct_) {
    if (!direct_->wait() && !directFailed()) return false;
    in_flight_ = -1;
  }
  if (filled_ == 0) return true;
  if (!writeOut(buffers_[current_].get(), filled_, on_disk_)) return false;
  on_disk_ += filled_;
  filled_ = 0;
  return true;
}

bool HashingFileSink::writeOut(const char* bytes, std::size_t length, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < length) {
    const ssize_t n = ::pwrite(fd_, bytes + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      errno_ = errno;
      failure_ = Failure::kIoError;
      return false;
    }
    if (n == 0) {
      errno_ = EIO;
      failure_ = Failure::kIoError;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  const std::uint64_t end = offset + length;
  if (end - writeback_started_ >= kWritebackChunk) {
    ::sync_file_range(fd_, static_cast<off_t>(writeback_started_),
                      static_cast<off_t>(end - writeback_started_), SYNC_FILE_RANGE_WRITE);
    writeback_started_ = end;
  }
  return true;
}

std::string HashingFileSink::finishHash() { return sha_.finishHex(); }

}  // namespace gateway::pacs
