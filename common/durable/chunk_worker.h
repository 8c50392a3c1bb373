#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace gateway::durable {

// Runs one job on one chunk at a time on a thread of its own while the caller fills the next
// chunk: the store path's pipeline stages for large objects (writing with O_DIRECT, hashing;
// ADR 0020). Hand-over is under a mutex, so ThreadSanitizer sees the ordering: the chunk's
// bytes written before submit() are seen by the job, and the caller may reuse the memory once
// the next submit() or wait() has returned.
//
// Not thread-safe: one owner submits and waits. The thread starts at the first submit().
class ChunkWorker {
 public:
  // Returns 0, or an errno that fails this chunk and every later submit().
  using Job = std::function<int(const char* data, std::size_t length, std::uint64_t offset)>;

  explicit ChunkWorker(Job job);
  ~ChunkWorker();  // waits for the chunk in flight
  ChunkWorker(const ChunkWorker&) = delete;
  ChunkWorker& operator=(const ChunkWorker&) = delete;

  // Waits for the previous chunk, then hands this one to the thread and returns. False when
  // an earlier chunk failed (nothing is started then); errorNumber() says why.
  bool submit(const char* data, std::size_t length, std::uint64_t offset);
  // Waits for the chunk in flight; false when any chunk failed.
  bool wait();
  int errorNumber() const;

 private:
  void run();

  Job job_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  const char* chunk_ = nullptr;  // in flight while not null
  std::size_t length_ = 0;
  std::uint64_t offset_ = 0;
  bool stopping_ = false;
  int error_ = 0;
  std::thread thread_;
};

}  // namespace gateway::durable
