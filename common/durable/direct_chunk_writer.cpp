#include "common/durable/direct_chunk_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include "common/durable/direct_write.h"

namespace gateway::durable {

DirectChunkWriter::DirectChunkWriter(int fd)
    : fd_(fd), worker_([fd](const char* data, std::size_t length, std::uint64_t offset) {
        return writeAllAt(fd, data, length, offset);
      }) {}

DirectChunkWriter::~DirectChunkWriter() { wait(); }

bool DirectChunkWriter::enable() {
  if (enabled_) return true;
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags < 0 || ::fcntl(fd_, F_SETFL, flags | O_DIRECT) != 0) return false;
  original_flags_ = flags;
  enabled_ = true;
  return true;
}

bool DirectChunkWriter::wait() {
  const bool ok = worker_.wait();
  if (enabled_) {
    ::fcntl(fd_, F_SETFL, original_flags_);
    enabled_ = false;
  }
  return ok;
}

}  // namespace gateway::durable
