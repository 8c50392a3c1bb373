// The terminal progress line: drawn only when enabled, at most every 200 ms, always at the
// first and last step, erased at the end; rate and time left from a fake clock.
#include "services/supervisor/progress_line.h"

#include <gtest/gtest.h>

#include <sstream>

namespace gateway::supervisor {
namespace {

using namespace std::chrono_literals;

class ProgressLineTest : public ::testing::Test {
 protected:
  ProgressLine line(bool enabled, ProgressLine::Unit unit = ProgressLine::Unit::kCount) {
    return ProgressLine(out_, enabled, "worklist import", unit, "items", [this] { return now_; });
  }
  std::size_t draws() const {
    std::size_t count = 0;
    for (const char c : out_.str()) count += c == '\r' ? 1 : 0;
    return count;
  }

  std::ostringstream out_;
  std::chrono::steady_clock::time_point now_{};
};

TEST_F(ProgressLineTest, DrawsNothingWhenDisabled) {
  {
    auto progress = line(false);
    for (std::uint64_t i = 0; i <= 10; ++i) progress.update(i, 10);
    progress.clear();
  }
  EXPECT_EQ(out_.str(), "");
}

TEST_F(ProgressLineTest, RedrawsAtMostEvery200MsAndAlwaysTheLastStep) {
  auto progress = line(true);
  progress.update(0, 1000);  // the first is drawn at once
  EXPECT_EQ(draws(), 1u);
  for (std::uint64_t i = 1; i < 100; ++i) {
    now_ += 1ms;
    progress.update(i, 1000);
  }
  EXPECT_EQ(draws(), 1u);  // 99 ms: no redraw
  now_ += 101ms;
  progress.update(100, 1000);
  EXPECT_EQ(draws(), 2u);
  now_ += 1ms;
  progress.update(1000, 1000);  // done: drawn although only 1 ms passed
  EXPECT_EQ(draws(), 3u);
  EXPECT_NE(out_.str().find("\rworklist import: 1000/1000 items (100%)"), std::string::npos)
      << out_.str();
  progress.clear();
  EXPECT_EQ(out_.str().substr(out_.str().size() - 4), "\r\033[K");  // erased for what follows
  const std::size_t size = out_.str().size();
  progress.clear();  // once only
  EXPECT_EQ(out_.str().size(), size);
}

TEST_F(ProgressLineTest, ShowsRateAndTimeLeftOnceTimeHasPassed) {
  const auto progress = line(true);
  EXPECT_EQ(progress.text(0, 100000, "", 0ms), "worklist import: 0/100000 items (0%)");
  EXPECT_EQ(progress.text(25000, 100000, "", 2s),
            "worklist import: 25000/100000 items (25%), 12500 items/s, 6s left");
  EXPECT_EQ(progress.text(100000, 100000, "", 8s),
            "worklist import: 100000/100000 items (100%), 12500 items/s");
  EXPECT_EQ(progress.text(0, 0, "", 1s), "worklist import: 0/0 items");
}

TEST_F(ProgressLineTest, CountsBytesWithAPrefix) {
  const auto progress = ProgressLine(out_, true, "verify-storage", ProgressLine::Unit::kBytes, "");
  EXPECT_EQ(progress.text(3ull << 30, 12ull << 30, "12/40 files, ", 10s),
            "verify-storage: 12/40 files, 3.0 GiB/12.0 GiB (25%), 307.2 MiB/s, 30s left");
}

TEST_F(ProgressLineTest, CutsTheLineToTheTerminalWidthSoItNeverWraps) {
  {
    ProgressLine progress(
        out_, true, "worklist import", ProgressLine::Unit::kCount, "items", [this] { return now_; },
        20);
    progress.update(5, 100000);
  }
  EXPECT_EQ(out_.str(), "\rworklist import: 5/\033[K\r\033[K");  // 19 columns, then erased
}

TEST(ProgressLineFormat, BytesAndDurations) {
  EXPECT_EQ(ProgressLine::formatBytes(0), "0 B");
  EXPECT_EQ(ProgressLine::formatBytes(1023), "1023 B");
  EXPECT_EQ(ProgressLine::formatBytes(1536), "1.5 KiB");
  EXPECT_EQ(ProgressLine::formatBytes(5ull << 40), "5.0 TiB");
  EXPECT_EQ(ProgressLine::formatDuration(std::chrono::seconds(59)), "59s");
  EXPECT_EQ(ProgressLine::formatDuration(std::chrono::seconds(185)), "3m05s");
  EXPECT_EQ(ProgressLine::formatDuration(std::chrono::seconds(3720)), "1h02m");
  EXPECT_EQ(ProgressLine::formatDuration(std::chrono::seconds(-3)), "0s");
}

}  // namespace
}  // namespace gateway::supervisor
