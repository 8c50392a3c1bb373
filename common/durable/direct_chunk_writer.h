#pragma once

#include <cstddef>
#include <cstdint>

#include "common/durable/chunk_worker.h"

namespace gateway::durable {

// Writes large, aligned chunks of one file with O_DIRECT on a thread of its own, one chunk
// at a time, while the caller fills the next one (ADR 0020). O_DIRECT spares the kernel's
// copy into the page cache, which the profile showed to be most of the server's CPU per byte
// on this kind of machine, and the thread keeps the disk writing while the network delivers.
// Durability is unchanged: the owner still fsyncs the file before it is placed.
//
// Chunks must start at a multiple of kAlignment in the file, in memory and be a multiple of
// it long. Not thread-safe: one owner submits and waits.
class DirectChunkWriter {
 public:
  static constexpr std::size_t kAlignment = 4096;

  // `fd` stays owned by the caller and must outlive this object.
  explicit DirectChunkWriter(int fd);
  ~DirectChunkWriter();  // waits for the chunk in flight, restores the descriptor's flags
  DirectChunkWriter(const DirectChunkWriter&) = delete;
  DirectChunkWriter& operator=(const DirectChunkWriter&) = delete;

  // Turns O_DIRECT on; false when the file system or descriptor does not allow it (the
  // caller then writes through the page cache as before).
  bool enable();

  // Waits for the previous chunk, then starts writing this one at `offset` and returns.
  // `data` must stay untouched until the next submit() or wait() returns. False when a
  // chunk failed; errorNumber() says why.
  bool submit(const char* data, std::size_t length, std::uint64_t offset) {
    return worker_.submit(data, length, offset);
  }
  // Waits for the chunk in flight and turns O_DIRECT off again (for the unaligned tail).
  bool wait();
  int errorNumber() const { return worker_.errorNumber(); }

 private:
  int fd_;
  bool enabled_ = false;
  int original_flags_ = 0;
  ChunkWorker worker_;
};

}  // namespace gateway::durable
