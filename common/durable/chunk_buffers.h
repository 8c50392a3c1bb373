#pragma once

#include <cstddef>
#include <memory>

namespace gateway::durable {

// The store path's write buffers (1 MiB, aligned for O_DIRECT), kept for the next object: a
// fresh buffer of this size is a new mapping whose every page faults and is zeroed when first
// touched, which cost a 0.5 MB object about as much CPU as its index row (ADR 0020). At most
// kKeptIdle idle buffers are kept; the rest are freed. Thread-safe.
class ChunkBuffers {
 public:
  static constexpr std::size_t kBytes = 1U << 20;
  static constexpr std::size_t kAlignment = 4096;
  static constexpr std::size_t kKeptIdle = 4;

  struct GiveBack {
    void operator()(char* buffer) const;
  };
  using Buffer = std::unique_ptr<char, GiveBack>;

  // A kept buffer, or a new one; empty when memory is exhausted.
  static Buffer take();
  // How many buffers wait for reuse now.
  static std::size_t idleCount();
};

}  // namespace gateway::durable
