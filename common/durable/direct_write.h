#pragma once

#include <cstddef>
#include <cstdint>

// Plain and O_DIRECT positional writes shared by the store path's writers (ADR 0020).
namespace gateway::durable {

// pwrite until all `length` bytes are written (EINTR retried); 0, or the errno that stopped
// it (EIO for a write that made no progress).
int writeAllAt(int fd, const char* data, std::size_t length, std::uint64_t offset);

enum class DirectWrite {
  kWritten,
  kUnsupported,  // the descriptor or file system refuses O_DIRECT for this range; nothing
                 // useful was written, so the caller writes it through the page cache
  kFailed,       // a real write error
};

// Writes one range with O_DIRECT on the calling thread, then restores the descriptor's
// flags. `data`, `length` and `offset` must be multiples of DirectChunkWriter::kAlignment.
// `error` receives the errno when the result is not kWritten.
DirectWrite writeDirectAt(int fd, const char* data, std::size_t length, std::uint64_t offset,
                          int& error);

}  // namespace gateway::durable
