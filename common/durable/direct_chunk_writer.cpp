#include "common/durable/direct_chunk_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/durable/direct_write.h"

namespace gateway::durable {

DirectChunkWriter::DirectChunkWriter(int fd) : fd_(fd) {}

DirectChunkWriter::~DirectChunkWriter() {
  wait();
  if (thread_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
}

bool DirectChunkWriter::enable() {
  if (enabled_) return true;
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags < 0 || ::fcntl(fd_, F_SETFL, flags | O_DIRECT) != 0) return false;
  original_flags_ = flags;
  enabled_ = true;
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  return true;
}

bool DirectChunkWriter::submit(const char* data, std::size_t length, std::uint64_t offset) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return chunk_ == nullptr; });
  if (error_ != 0) return false;
  chunk_ = data;
  length_ = length;
  offset_ = offset;
  lock.unlock();
  changed_.notify_all();
  return true;
}

bool DirectChunkWriter::wait() {
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return chunk_ == nullptr; });
  }
  if (enabled_) {
    ::fcntl(fd_, F_SETFL, original_flags_);
    enabled_ = false;
  }
  return error_ == 0;
}

void DirectChunkWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return chunk_ != nullptr || stopping_; });
    if (chunk_ == nullptr) return;  // stopping, nothing in flight
    const char* data = chunk_;
    const std::size_t length = length_;
    const std::uint64_t offset = offset_;
    lock.unlock();
    const int error = writeAllAt(fd_, data, length, offset);
    lock.lock();
    if (error != 0 && error_ == 0) error_ = error;
    chunk_ = nullptr;
    changed_.notify_all();
  }
}

}  // namespace gateway::durable
