#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace gateway::process {

// Another process holds the lock: its pid, as it wrote it into the lock file.
class AlreadyLockedError : public std::runtime_error {
 public:
  AlreadyLockedError(const std::string& what, long pid) : std::runtime_error(what), pid_(pid) {}
  long pid() const { return pid_; }

 private:
  long pid_;
};

// An exclusive advisory lock (flock) on one lock file, held for the life of the object and
// released by the kernel when the process dies, even by kill -9, so a crashed gateway never
// blocks the next start. `serve` takes one in the storage root and one beside each database
// before it touches anything, so a second `serve` on the same storage exits instead of
// running reconciliation under a live instance. The pid of the holder is written into the
// file for the message the second instance prints.
class InstanceLock {
 public:
  // Throws AlreadyLockedError when another process holds it ("another gateway (pid N) is
  // serving <what>"), std::runtime_error when the file cannot be opened.
  InstanceLock(const std::filesystem::path& lock_file, const std::string& what);
  ~InstanceLock();
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace gateway::process
