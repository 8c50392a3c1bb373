#include "common/durable/chunk_worker.h"

#include <utility>

namespace gateway::durable {

ChunkWorker::ChunkWorker(Job job) : job_(std::move(job)) {}

ChunkWorker::~ChunkWorker() {
  if (!thread_.joinable()) return;
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return chunk_ == nullptr; });
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

bool ChunkWorker::submit(const char* data, std::size_t length, std::uint64_t offset) {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
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

bool ChunkWorker::wait() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return chunk_ == nullptr; });
  return error_ == 0;
}

int ChunkWorker::errorNumber() const {
  std::lock_guard lock(mutex_);
  return error_;
}

void ChunkWorker::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return chunk_ != nullptr || stopping_; });
    if (chunk_ == nullptr) return;  // stopping, nothing in flight
    const char* data = chunk_;
    const std::size_t length = length_;
    const std::uint64_t offset = offset_;
    lock.unlock();
    const int error = job_(data, length, offset);
    lock.lock();
    if (error != 0 && error_ == 0) error_ = error;
    chunk_ = nullptr;
    changed_.notify_all();
  }
}

}  // namespace gateway::durable
