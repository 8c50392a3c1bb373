#include "services/pacs/hashing_file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include "common/durable/chunk_buffers.h"
#include "common/durable/direct_write.h"

namespace gateway::pacs {
namespace {

// Every this many bytes, ask the kernel to start writing back what we have so far: the disk
// then writes while the network still delivers, the final fsync has little left to do, and
// large objects do not pile up dirty pages.
constexpr std::uint64_t kWritebackChunk = 4ULL << 20;
constexpr std::size_t kBufferBytes = durable::ChunkBuffers::kBytes;
static_assert(durable::ChunkBuffers::kAlignment % durable::DirectChunkWriter::kAlignment == 0,
              "the buffers go to the direct writer as they are");
// Below this, the last buffer's copy into the page cache costs less than the O_DIRECT round
// trip; above it (a 0.5 MB mammography object is all "last buffer") it does not.
constexpr std::size_t kDirectTailMinimum = 64U << 10;

}  // namespace

HashingFileSink::HashingFileSink(int fd) : fd_(fd) {
  buffers_[0] = durable::ChunkBuffers::take();
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
    hashHere(buffers_[current_].get(), filled_);
    if (!writeOut(buffers_[current_].get(), filled_, on_disk_)) return false;
    on_disk_ += filled_;
    filled_ = 0;
    return true;
  }
  const int other = 1 - current_;
  if (!buffers_[other]) {
    buffers_[other] = durable::ChunkBuffers::take();
    if (!buffers_[other]) {
      errno_ = ENOMEM;
      failure_ = Failure::kIoError;
      return false;
    }
  }
  // Each submit returns once that stage is done with the other buffer; hashing and writing
  // this one then run on their own threads, in parallel, while the other buffer fills.
  if (!hasher_) {
    hasher_.emplace([this](const char* data, std::size_t length, std::uint64_t) {
      sha_.update(data, length);
      return 0;
    });
  }
  // Not handed to the hasher when the writer refuses it: directFailed() hashes it here.
  if (!direct_->submit(buffers_[current_].get(), filled_, on_disk_)) return directFailed();
  hasher_->submit(buffers_[current_].get(), filled_, 0);
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
  if (hasher_) hasher_->wait();  // the buffers are rewritten below and refilled after
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
    hashHere(buffers_[current_].get(), filled_);
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
  if (filled_ == 0) {
    if (hasher_) hasher_->wait();
    return true;
  }
  hashHere(buffers_[current_].get(), filled_);
  if (!writeLastBuffer()) return false;
  on_disk_ += filled_;
  filled_ = 0;
  return true;
}

// The last (for objects up to 1 MiB the only) buffer: its whole blocks with O_DIRECT too,
// on this thread, so a small object is not copied into the page cache either (the profile's
// largest cost for 0.5 MB objects, ADR 0020); the remainder, under one block, through the
// page cache.
bool HashingFileSink::writeLastBuffer() {
  const char* bytes = buffers_[current_].get();
  const std::size_t whole_blocks =
      filled_ / durable::DirectChunkWriter::kAlignment * durable::DirectChunkWriter::kAlignment;
  std::size_t direct = 0;
  if (!direct_unavailable_ && whole_blocks >= kDirectTailMinimum) {
    int error = 0;
    switch (durable::writeDirectAt(fd_, bytes, whole_blocks, on_disk_, error)) {
      case durable::DirectWrite::kWritten:
        direct = whole_blocks;
        break;
      case durable::DirectWrite::kUnsupported:
        direct_unavailable_ = true;
        break;
      case durable::DirectWrite::kFailed:
        errno_ = error;
        failure_ = Failure::kIoError;
        return false;
    }
  }
  return writeOut(bytes + direct, filled_ - direct, on_disk_ + direct);
}

bool HashingFileSink::writeOut(const char* bytes, std::size_t length, std::uint64_t offset) {
  if (length == 0) return true;
  if (const int error = durable::writeAllAt(fd_, bytes, length, offset); error != 0) {
    errno_ = error;
    failure_ = Failure::kIoError;
    return false;
  }
  const std::uint64_t end = offset + length;
  if (end - writeback_started_ >= kWritebackChunk) {
    ::sync_file_range(fd_, static_cast<off_t>(writeback_started_),
                      static_cast<off_t>(end - writeback_started_), SYNC_FILE_RANGE_WRITE);
    writeback_started_ = end;
  }
  return true;
}

// In order after every buffer the hashing thread has had.
void HashingFileSink::hashHere(const char* bytes, std::size_t length) {
  if (hasher_) hasher_->wait();
  sha_.update(bytes, length);
}

std::string HashingFileSink::finishHash() {
  if (hasher_) hasher_->wait();
  return sha_.finishHex();
}

}  // namespace gateway::pacs
