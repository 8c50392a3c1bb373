#include "common/durable/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace gateway::durable {
namespace {

[[noreturn]] void throwErrno(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

void openAndSync(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throwErrno(errno, "open " + path.string());
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) throwErrno(error, "fsync " + path.string());
}

}  // namespace

void syncFd(int fd, const std::filesystem::path& path) {
  if (::fsync(fd) != 0) throwErrno(errno, "fsync " + path.string());
}

void syncFile(const std::filesystem::path& file) { openAndSync(file, O_RDONLY); }

void syncDirectory(const std::filesystem::path& directory) {
  openAndSync(directory, O_RDONLY | O_DIRECTORY);
}

}  // namespace gateway::durable
