#include "common/durable/chunk_buffers.h"

#include <cstdlib>
#include <mutex>
#include <vector>

namespace gateway::durable {
namespace {

struct IdleBuffers {
  std::mutex mutex;
  std::vector<char*> buffers;
};

// Never destroyed: a buffer may come back from a thread still running at exit.
IdleBuffers& idle() {
  static auto* pool = new IdleBuffers;
  return *pool;
}

}  // namespace

ChunkBuffers::Buffer ChunkBuffers::take() {
  {
    IdleBuffers& pool = idle();
    std::lock_guard lock(pool.mutex);
    if (!pool.buffers.empty()) {
      char* buffer = pool.buffers.back();
      pool.buffers.pop_back();
      return Buffer(buffer);
    }
  }
  return Buffer(static_cast<char*>(std::aligned_alloc(kAlignment, kBytes)));
}

std::size_t ChunkBuffers::idleCount() {
  IdleBuffers& pool = idle();
  std::lock_guard lock(pool.mutex);
  return pool.buffers.size();
}

void ChunkBuffers::GiveBack::operator()(char* buffer) const {
  if (buffer == nullptr) return;
  IdleBuffers& pool = idle();
  {
    std::lock_guard lock(pool.mutex);
    if (pool.buffers.size() < kKeptIdle) {
      pool.buffers.push_back(buffer);
      return;
    }
  }
  std::free(buffer);
}

}  // namespace gateway::durable
