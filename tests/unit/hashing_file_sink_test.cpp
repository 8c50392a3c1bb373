#include "services/pacs/hashing_file_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "common/crypto/sha256.h"
#include "tests/support/temp_dir.h"

namespace gateway::pacs {
namespace {

// Bytes that differ at every offset, so a chunk written at the wrong place shows.
std::string pattern(std::size_t size) {
  std::string bytes(size, '\0');
  std::mt19937 random(7);
  for (auto& b : bytes) b = static_cast<char>(random());
  return bytes;
}

std::string fileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes `bytes` in pieces of varying size (tiny meta-header-like writes, then PDV-sized
// ones) and checks the file and the hash. Returns the file's content.
void writeAndCheck(const std::filesystem::path& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  ASSERT_GE(fd, 0);
  {
    HashingFileSink sink(fd);
    std::size_t done = 0;
    std::size_t piece = 3;
    while (done < bytes.size()) {
      const std::size_t n = std::min(piece, bytes.size() - done);
      ASSERT_EQ(sink.write(bytes.data() + done, static_cast<offile_off_t>(n)),
                static_cast<offile_off_t>(n));
      done += n;
      piece = piece < 200 ? piece + 17 : 131072 - 6;  // PDVs minus their header
    }
    ASSERT_TRUE(sink.finish()) << sink.failureText();
    EXPECT_EQ(sink.bytesWritten(), bytes.size());
    EXPECT_EQ(sink.finishHash(), crypto::sha256Hex(bytes));
  }
  // The descriptor is the caller's, with its flags as they were (no O_DIRECT left on).
  EXPECT_EQ(::fcntl(fd, F_GETFL) & O_DIRECT, 0);
  ::close(fd);
  EXPECT_EQ(std::filesystem::file_size(path), bytes.size());
  EXPECT_TRUE(fileBytes(path) == bytes) << path;
}

TEST(HashingFileSink, SmallAndLargeObjectsArriveWholeAndHashed) {
  test::TempDir dir;
  for (const std::size_t size :
       {std::size_t{0}, std::size_t{1}, std::size_t{5000}, std::size_t{65535},
        std::size_t{65536} + 100, std::size_t{524288} + 4095, std::size_t{1} << 20,
        (std::size_t{1} << 20) + 1, std::size_t{7} * 1024 * 1024 + 12345}) {
    writeAndCheck(dir / ("object" + std::to_string(size)), pattern(size));
  }
}

// tmpfs takes no O_DIRECT: the sink falls back to the page cache and loses nothing.
TEST(HashingFileSink, WithoutODirectEverythingGoesThroughThePageCache) {
  if (!std::filesystem::is_directory("/dev/shm")) GTEST_SKIP() << "no /dev/shm";
  const auto path = std::filesystem::path("/dev/shm") / ("sink-test-" + std::to_string(::getpid()));
  writeAndCheck(path, pattern(std::size_t{5} * 1024 * 1024 + 77));
  std::filesystem::remove(path);
}

// A small object's only buffer goes out at finish() (its whole blocks with O_DIRECT): an error
// there is reported as well.
TEST(HashingFileSink, AWriteErrorOfASmallObjectIsReportedAtFinish) {
  test::TempDir dir;
  const auto path = dir / "read-only";
  { std::ofstream(path) << ""; }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  {
    HashingFileSink sink(fd);
    const std::string bytes = pattern(std::size_t{500} * 1000);
    ASSERT_EQ(sink.write(bytes.data(), static_cast<offile_off_t>(bytes.size())),
              static_cast<offile_off_t>(bytes.size()));
    EXPECT_FALSE(sink.finish());
    EXPECT_EQ(sink.failure(), HashingFileSink::Failure::kIoError);
    EXPECT_EQ(sink.errorNumber(), EBADF);
  }
  EXPECT_EQ(::fcntl(fd, F_GETFL) & O_DIRECT, 0);
  ::close(fd);
  EXPECT_EQ(std::filesystem::file_size(path), 0u);
}

TEST(HashingFileSink, AWriteErrorIsReportedWithItsReason) {
  test::TempDir dir;
  const auto path = dir / "read-only";
  { std::ofstream(path) << ""; }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  {
    HashingFileSink sink(fd);
    const std::string bytes = pattern(std::size_t{3} << 20);
    const auto n = sink.write(bytes.data(), static_cast<offile_off_t>(bytes.size()));
    EXPECT_TRUE(n == 0 || !sink.finish());
    EXPECT_EQ(sink.failure(), HashingFileSink::Failure::kIoError);
    EXPECT_NE(sink.failureText().find("cannot write to storage"), std::string::npos);
  }
  ::close(fd);
}

}  // namespace
}  // namespace gateway::pacs
