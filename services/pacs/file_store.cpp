#include "services/pacs/file_store.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <random>
#include <system_error>

#include "common/durable/durable_file.h"

namespace gateway::pacs {
namespace {

[[noreturn]] void throwErrno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

std::string randomName() {
  static std::atomic<std::uint64_t> counter{0};
  thread_local std::mt19937_64 random{std::random_device{}() ^
                                      (counter.fetch_add(1) * 0x9e3779b97f4a7c15ULL)};
  char name[40];
  std::snprintf(name, sizeof(name), "%016llx%04llx.part", static_cast<unsigned long long>(random()),
                static_cast<unsigned long long>(counter.fetch_add(1) & 0xffff));
  return name;
}

}  // namespace

TempFile::~TempFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!placed_) ::unlink(path_.c_str());
}

void TempFile::syncAndClose() {
  if (fd_ < 0) return;
  durable::syncFd(fd_, path_);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throwErrno("close " + path_.string());
}

FileStore::FileStore(std::filesystem::path root) : root_(std::move(root)) {
  std::filesystem::create_directories(root_ / kIncomingDir);
  // The 256 first-level folders exist from the start (one fsync of the root for all), so a
  // store into a young tree pays for at most one new folder instead of two.
  bool created = false;
  for (unsigned i = 0; i < 256; ++i) {
    char name[3];
    std::snprintf(name, sizeof(name), "%02x", i);
    if (::mkdir((root_ / name).c_str(), 0750) == 0) {
      created = true;
    } else if (errno != EEXIST) {
      throwErrno("mkdir " + (root_ / name).string());
    }
  }
  if (created) durable::syncDirectory(root_);
}

std::unique_ptr<TempFile> FileStore::createTemp() {
  for (int attempt = 0; attempt < 8; ++attempt) {
    const auto path = root_ / kIncomingDir / randomName();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd >= 0) return std::make_unique<TempFile>(fd, path);
    if (errno != EEXIST) throwErrno("create " + path.string());
  }
  errno = EEXIST;
  throwErrno("create a temporary file in " + (root_ / kIncomingDir).string());
}

void FileStore::ensureParentDirectories(const std::string& relative_path) {
  // "ab/cd/abcd....dcm": create "ab" and "ab/cd" as needed, and make each new entry
  // durable in its parent.
  const auto first = root_ / relative_path.substr(0, 2);
  const auto second = root_ / relative_path.substr(0, 5);
  if (::mkdir(first.c_str(), 0750) == 0) {
    durable::syncDirectory(root_);
  } else if (errno != EEXIST) {
    throwErrno("mkdir " + first.string());
  }
  if (::mkdir(second.c_str(), 0750) == 0) {
    durable::syncDirectory(first);
  } else if (errno != EEXIST) {
    throwErrno("mkdir " + second.string());
  }
}

bool FileStore::placeNew(TempFile& temp, const std::string& relative_path) {
  ensureParentDirectories(relative_path);
  const auto target = absolute(relative_path);
  if (::renameat2(AT_FDCWD, temp.path().c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) return false;
    if (errno != EINVAL && errno != ENOSYS) throwErrno("rename to " + target.string());
    // File system without RENAME_NOREPLACE: a hard link fails the same way if the target
    // exists, and is just as atomic.
    if (::link(temp.path().c_str(), target.c_str()) != 0) {
      if (errno == EEXIST) return false;
      throwErrno("link to " + target.string());
    }
    ::unlink(temp.path().c_str());
  }
  temp.markPlaced();
  durable::syncDirectory(target.parent_path());
  return true;
}

void FileStore::placeReplacing(TempFile& temp, const std::string& relative_path) {
  ensureParentDirectories(relative_path);
  const auto target = absolute(relative_path);
  if (::rename(temp.path().c_str(), target.c_str()) != 0)
    throwErrno("rename to " + target.string());
  temp.markPlaced();
  durable::syncDirectory(target.parent_path());
}

void FileStore::remove(const std::string& relative_path) {
  const auto target = absolute(relative_path);
  if (::unlink(target.c_str()) != 0 && errno != ENOENT) throwErrno("unlink " + target.string());
  durable::syncDirectory(target.parent_path());
}

std::string FileStore::quarantine(TempFile& temp, const std::string& name) {
  const auto folder = root_ / kQuarantineDir;
  if (::mkdir(folder.c_str(), 0750) == 0) {
    durable::syncDirectory(root_);
  } else if (errno != EEXIST) {
    throwErrno("mkdir " + folder.string());
  }
  const std::string relative = std::string(kQuarantineDir) + "/" + name;
  const auto target = root_ / relative;
  if (::rename(temp.path().c_str(), target.c_str()) != 0) {
    throwErrno("rename to " + target.string());
  }
  temp.markPlaced();
  durable::syncDirectory(folder);
  return relative;
}

std::size_t FileStore::removeLeftoverTemps() {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root_ / kIncomingDir, ec)) {
    if (entry.is_regular_file() && std::filesystem::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

void FileStore::forEachFile(const std::function<void(const std::string&)>& visit) const {
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root_, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    // Our own entries in the root (.incoming, .quarantine, .gateway.lock) are not objects.
    if (it.depth() == 0 && it->path().filename().string().rfind('.', 0) == 0) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) {
      visit(std::filesystem::relative(it->path(), root_).generic_string());
    }
  }
}

}  // namespace gateway::pacs
