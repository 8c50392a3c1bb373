#include "common/durable/chunk_buffers.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/durable/direct_write.h"
#include "tests/support/temp_dir.h"

namespace gateway::durable {
namespace {

bool aligned(const char* p) {
  return reinterpret_cast<std::uintptr_t>(p) % ChunkBuffers::kAlignment == 0;
}

TEST(ChunkBuffers, AGivenBackBufferIsTakenAgainAndTheIdleOnesAreBounded) {
  const char* first = nullptr;
  {
    auto buffer = ChunkBuffers::take();
    ASSERT_TRUE(buffer);
    EXPECT_TRUE(aligned(buffer.get()));
    std::memset(buffer.get(), 0x5a, ChunkBuffers::kBytes);  // the whole size is ours
    first = buffer.get();
  }
  auto again = ChunkBuffers::take();
  EXPECT_EQ(again.get(), first) << "the idle buffer was not reused";

  // Many at once: every one distinct and aligned; giving them back keeps only kKeptIdle.
  std::vector<ChunkBuffers::Buffer> many;
  for (std::size_t i = 0; i < ChunkBuffers::kKeptIdle + 3; ++i)
    many.push_back(ChunkBuffers::take());
  for (std::size_t i = 0; i < many.size(); ++i) {
    ASSERT_TRUE(many[i]);
    EXPECT_TRUE(aligned(many[i].get()));
    for (std::size_t j = 0; j < i; ++j) EXPECT_NE(many[i].get(), many[j].get());
  }
  EXPECT_LE(ChunkBuffers::idleCount(), ChunkBuffers::kKeptIdle);
  many.clear();
  EXPECT_EQ(ChunkBuffers::idleCount(), ChunkBuffers::kKeptIdle);
}

std::string fileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(DirectWrite, WritesWholeBlocksAndRestoresTheDescriptorsFlags) {
  test::TempDir dir;
  const auto path = dir / "direct";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  ASSERT_GE(fd, 0);
  auto buffer = ChunkBuffers::take();
  for (std::size_t i = 0; i < 3 * ChunkBuffers::kAlignment; ++i)
    buffer.get()[i] = static_cast<char>(i * 7);
  int error = -1;
  const DirectWrite result = writeDirectAt(fd, buffer.get(), 2 * ChunkBuffers::kAlignment,
                                           ChunkBuffers::kAlignment, error);
  // Either the file system took it, or it said it cannot (then the caller uses the cache).
  ASSERT_NE(result, DirectWrite::kFailed) << error;
  EXPECT_EQ(::fcntl(fd, F_GETFL) & O_DIRECT, 0);
  ASSERT_EQ(writeAllAt(fd, buffer.get(), 100, 3 * ChunkBuffers::kAlignment), 0);
  ::close(fd);
  if (result == DirectWrite::kWritten) {
    const std::string bytes = fileBytes(path);
    ASSERT_EQ(bytes.size(), 3 * ChunkBuffers::kAlignment + 100);
    EXPECT_EQ(bytes.substr(0, ChunkBuffers::kAlignment),
              std::string(ChunkBuffers::kAlignment, '\0'));
    EXPECT_EQ(std::memcmp(bytes.data() + ChunkBuffers::kAlignment, buffer.get(),
                          2 * ChunkBuffers::kAlignment),
              0);
    EXPECT_EQ(std::memcmp(bytes.data() + 3 * ChunkBuffers::kAlignment, buffer.get(), 100), 0);
  }
}

TEST(DirectWrite, ARealWriteErrorIsAFailureWithItsErrno) {
  test::TempDir dir;
  const auto path = dir / "read-only";
  { std::ofstream(path) << ""; }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  auto buffer = ChunkBuffers::take();
  int error = 0;
  EXPECT_EQ(writeDirectAt(fd, buffer.get(), ChunkBuffers::kAlignment, 0, error),
            DirectWrite::kFailed);
  EXPECT_EQ(error, EBADF);
  EXPECT_EQ(::fcntl(fd, F_GETFL) & O_DIRECT, 0);
  EXPECT_EQ(writeAllAt(fd, buffer.get(), 10, 0), EBADF);
  ::close(fd);
}

}  // namespace
}  // namespace gateway::durable
