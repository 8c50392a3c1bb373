#include "common/durable/durable_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <system_error>

#include "tests/support/temp_dir.h"

namespace gateway::durable {
namespace {

// The error a call throws, so a test can check both the errno and that the path is named.
template <typename Call>
std::system_error errorOf(Call call) {
  try {
    call();
  } catch (const std::system_error& e) {
    return e;
  }
  ADD_FAILURE() << "no std::system_error thrown";
  return std::system_error(std::error_code());
}

TEST(DurableFile, SyncsFilesFoldersAndDescriptors) {
  test::TempDir dir;
  const auto file = dir / "backup.db";
  std::ofstream(file) << "bytes";
  EXPECT_NO_THROW(syncFile(file));
  EXPECT_NO_THROW(syncDirectory(dir.path()));
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_NO_THROW(syncFd(fd, file));
  ::close(fd);
}

TEST(DurableFile, ThrowsSystemErrorsNamingThePath) {
  test::TempDir dir;
  const auto missing = dir / "missing";
  const auto open_error = errorOf([&] { syncFile(missing); });
  EXPECT_EQ(open_error.code().value(), ENOENT);
  EXPECT_NE(std::string(open_error.what()).find("open " + missing.string()), std::string::npos);

  std::ofstream(dir / "file") << "x";
  const auto not_a_folder = errorOf([&] { syncDirectory(dir / "file"); });
  EXPECT_EQ(not_a_folder.code().value(), ENOTDIR);

  const auto bad_fd = errorOf([&] { syncFd(-1, dir / "closed.part"); });
  EXPECT_EQ(bad_fd.code().value(), EBADF);
  EXPECT_NE(std::string(bad_fd.what()).find("fsync " + (dir / "closed.part").string()),
            std::string::npos);
}

}  // namespace
}  // namespace gateway::durable
