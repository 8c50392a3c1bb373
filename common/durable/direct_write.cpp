#include "common/durable/direct_write.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace gateway::durable {

int writeAllAt(int fd, const char* data, std::size_t length, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < length) {
    const ssize_t n = ::pwrite(fd, data + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

DirectWrite writeDirectAt(int fd, const char* data, std::size_t length, std::uint64_t offset,
                          int& error) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_DIRECT) != 0) {
    error = errno;
    return DirectWrite::kUnsupported;
  }
  error = writeAllAt(fd, data, length, offset);
  // Restored even after a failure: the caller may write the same range through the cache.
  ::fcntl(fd, F_SETFL, flags);
  if (error == 0) return DirectWrite::kWritten;
  // EINVAL: O_DIRECT accepted by fcntl but not for this alignment or file system.
  return error == EINVAL ? DirectWrite::kUnsupported : DirectWrite::kFailed;
}

}  // namespace gateway::durable
