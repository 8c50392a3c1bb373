#pragma once

#include <filesystem>

namespace gateway::test {

// A fresh directory under /tmp, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Regular files below `root`, recursively, skipping the given sub-folder name if any.
std::size_t countFiles(const std::filesystem::path& root, const std::string& skip_dir = "");

std::string readFileBytes(const std::filesystem::path& file);

}  // namespace gateway::test
