#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace gateway::pacs {

// A file being received, under <root>/.incoming/. Removed on destruction unless placed.
class TempFile {
 public:
  TempFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return fd_; }
  const std::filesystem::path& path() const { return path_; }
  // fsync, then close: the bytes are durable before the file gets its final name.
  void syncAndClose();
  void markPlaced() { placed_ = true; }

 private:
  int fd_;
  std::filesystem::path path_;
  bool placed_ = false;
};

// The hash-based file tree. Every file reaches its final path by an atomic rename of a
// fully written, fsynced temporary file in the same file system, followed by an fsync of
// the directory, so a crash leaves either no file or the whole file at the final path.
// Methods throw std::system_error on I/O errors.
class FileStore {
 public:
  explicit FileStore(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path absolute(const std::string& relative_path) const {
    return root_ / relative_path;
  }

  std::unique_ptr<TempFile> createTemp();

  // Moves the temp file to its final path unless a file is already there (then false,
  // and nothing changes).
  bool placeNew(TempFile& temp, const std::string& relative_path);
  // Moves the temp file over whatever is at the final path, atomically.
  void placeReplacing(TempFile& temp, const std::string& relative_path);
  void remove(const std::string& relative_path);
  // Moves the temp file (already synced) to <root>/.quarantine/<name>, durably; returns the
  // path relative to the root. Outside the hash tree: never indexed as an instance.
  std::string quarantine(TempFile& temp, const std::string& name);

  // Deletes what a crash left in .incoming; returns how many files.
  std::size_t removeLeftoverTemps();

  // Calls `visit` with the path (relative to the root) of every regular file in the tree;
  // the gateway's own entries in the root (names starting with '.': transfers in progress,
  // quarantine, the instance lock) are excluded.
  void forEachFile(const std::function<void(const std::string& relative_path)>& visit) const;

  static constexpr const char* kIncomingDir = ".incoming";
  static constexpr const char* kQuarantineDir = ".quarantine";

 private:
  void ensureParentDirectories(const std::string& relative_path);

  std::filesystem::path root_;
};

}  // namespace gateway::pacs
