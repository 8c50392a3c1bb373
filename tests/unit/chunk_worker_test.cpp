#include "common/durable/chunk_worker.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

namespace gateway::durable {
namespace {

// Chunks reach the job one at a time and in the order submitted, and each buffer may be
// refilled once the next submit() has returned (the sink's two-buffer hand-over).
TEST(ChunkWorker, RunsChunksInOrderAndFreesTheOtherBufferOnSubmit) {
  std::string seen;
  std::vector<std::uint64_t> offsets;
  ChunkWorker worker([&](const char* data, std::size_t length, std::uint64_t offset) {
    seen.append(data, length);
    offsets.push_back(offset);
    return 0;
  });
  std::string buffers[2] = {std::string(3, ' '), std::string(3, ' ')};
  std::string expected;
  for (int i = 0; i < 50; ++i) {
    std::string& buffer = buffers[i % 2];  // free: the submit before last has returned
    buffer = std::to_string(100 + i);
    expected += buffer;
    ASSERT_TRUE(worker.submit(buffer.data(), buffer.size(), static_cast<std::uint64_t>(i)));
  }
  ASSERT_TRUE(worker.wait());
  EXPECT_EQ(seen, expected);
  ASSERT_EQ(offsets.size(), 50u);
  EXPECT_EQ(offsets.back(), 49u);
  EXPECT_EQ(worker.errorNumber(), 0);
}

TEST(ChunkWorker, AFailedChunkRefusesTheRestAndSaysWhy) {
  int calls = 0;
  ChunkWorker worker([&](const char*, std::size_t, std::uint64_t offset) {
    ++calls;
    return offset == 1 ? ENOSPC : 0;
  });
  const char chunk[4] = {};
  EXPECT_TRUE(worker.submit(chunk, sizeof chunk, 0));
  EXPECT_TRUE(worker.submit(chunk, sizeof chunk, 1));  // accepted; fails on the thread
  EXPECT_FALSE(worker.wait());
  EXPECT_EQ(worker.errorNumber(), ENOSPC);
  EXPECT_FALSE(worker.submit(chunk, sizeof chunk, 2));
  EXPECT_EQ(calls, 2);
}

TEST(ChunkWorker, NothingSubmittedStartsNoThreadAndWaitsForNothing) {
  ChunkWorker worker([](const char*, std::size_t, std::uint64_t) { return EIO; });
  EXPECT_TRUE(worker.wait());
  EXPECT_EQ(worker.errorNumber(), 0);
}

}  // namespace
}  // namespace gateway::durable
