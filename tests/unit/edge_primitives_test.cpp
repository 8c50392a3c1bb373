// The small pieces of the DICOM edge: log escaping, rate-limited refusals, Error Comments,
// incremental inflate.
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <zlib.h>

#include "common/dicom/dataset_inflater.h"
#include "common/dicom/dimse_reply.h"
#include "common/logging/peer_text.h"
#include "common/logging/rate_limited_log.h"

namespace gateway::test {
namespace {

TEST(PeerText, EscapesEverythingThatCouldForgeOrPolluteALogLine) {
  EXPECT_EQ(logging::escaped("MAMMO1"), "MAMMO1");
  EXPECT_EQ(logging::escaped("EVIL\nINFO forged"), "EVIL\\x0AINFO forged");
  EXPECT_EQ(logging::escaped("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(logging::escaped("M\xC3\xBCller"), "M\\xC3\\xBCller");
  EXPECT_EQ(logging::escaped(std::string(300, 'x'), 10), "xxxxxxxxxx...");
}

TEST(ErrorComment, IsAtMostSixtyFourPrintableCharacters) {
  EXPECT_EQ(dicom::errorComment("short"), "short");
  EXPECT_EQ(dicom::errorComment(std::string(100, 'a')).size(), 64u);
  EXPECT_EQ(dicom::errorComment("back\\slash\nnew"), "back?slash?new");
}

TEST(ErrorComment, StatusDetailCarriesCommentAndAttributeList) {
  auto reply = dicom::DimseReply::failure(0x0120, "missing X", {DcmTagKey(0x0040, 0x0252)});
  auto detail = dicom::statusDetail(reply, dicom::ServiceKind::kNormalized);
  ASSERT_NE(detail, nullptr);
  OFString comment;
  EXPECT_TRUE(detail->findAndGetOFString(DcmTagKey(0x0000, 0x0902), comment).good());
  EXPECT_EQ(std::string(comment.c_str()), "missing X");
  EXPECT_TRUE(detail->tagExists(DcmTagKey(0x0000, 0x1005)));
  EXPECT_EQ(dicom::statusDetail(dicom::DimseReply{}, dicom::ServiceKind::kComposite), nullptr);
}

TEST(RateLimitedLog, LogsTheFirstAndSummarisesTheRest) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(16);
  spdlog::logger logger("rate-test", sink);
  auto now = std::chrono::steady_clock::now();
  {
    logging::RateLimitedLog log(logger, std::chrono::seconds(10));
    log.setClockForTest([&now] { return now; });
    for (int i = 0; i < 4812; ++i) {
      log.event(spdlog::level::warn, "busy|127.0.0.2", "connection refused peer=127.0.0.2");
    }
    log.event(spdlog::level::warn, "busy|127.0.0.3", "connection refused peer=127.0.0.3");
    EXPECT_EQ(sink->last_raw().size(), 2u);  // one line per key so far
    now += std::chrono::seconds(11);
    log.flush();
    const auto lines = sink->last_formatted();
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_NE(lines[2].find("suppressed 4811 repeats in the last 11 s: connection refused "
                            "peer=127.0.0.2"),
              std::string::npos)
        << lines[2];
    // A new window logs the first event again.
    log.event(spdlog::level::warn, "busy|127.0.0.2", "connection refused peer=127.0.0.2");
    EXPECT_EQ(sink->last_raw().size(), 4u);
  }
}

TEST(RateLimitedLog, BoundsTheNumberOfKeys) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  spdlog::logger logger("rate-keys", sink);
  logging::RateLimitedLog log(logger, std::chrono::seconds(10), 4);
  for (int i = 0; i < 1000; ++i) {
    log.event(spdlog::level::warn, "peer" + std::to_string(i), "refused " + std::to_string(i));
  }
  // Four keys of their own, then all others share one: five lines, not a thousand.
  EXPECT_EQ(sink->last_raw().size(), 5u);
}

std::vector<std::uint8_t> deflate(const std::vector<std::uint8_t>& input) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
  std::vector<std::uint8_t> out(deflateBound(&z, input.size()));
  z.next_in = const_cast<Bytef*>(input.data());
  z.avail_in = static_cast<uInt>(input.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

TEST(DatasetInflater, InflatesInPiecesAndStopsWhenAsked) {
  const std::vector<std::uint8_t> zeros(32 << 20, 0);  // 32 MiB of zeros: ~32 KiB deflated
  const auto packed = deflate(zeros);
  ASSERT_LT(packed.size(), 100000u);
  std::uint64_t total = 0;
  std::size_t largest = 0;
  dicom::DatasetInflater all([&](const std::uint8_t*, std::size_t size) {
    total += size;
    largest = std::max(largest, size);
    return true;
  });
  for (std::size_t at = 0; at < packed.size(); at += 1000) {
    ASSERT_TRUE(all.feed(packed.data() + at, std::min<std::size_t>(1000, packed.size() - at)));
  }
  EXPECT_TRUE(all.finished());
  EXPECT_EQ(total, zeros.size());
  EXPECT_LE(largest, 64u * 1024);  // never more than one small buffer at a time

  std::uint64_t seen = 0;
  dicom::DatasetInflater capped([&](const std::uint8_t*, std::size_t size) {
    seen += size;
    return seen < (1 << 20);
  });
  EXPECT_FALSE(capped.feed(packed.data(), packed.size()));
  EXPECT_LT(seen, 2u << 20);

  dicom::DatasetInflater corrupt([](const std::uint8_t*, std::size_t) { return true; });
  const std::vector<std::uint8_t> garbage(100, 0xFF);
  EXPECT_FALSE(corrupt.feed(garbage.data(), garbage.size()));
  EXPECT_NE(corrupt.error().find("corrupt"), std::string::npos);
}

}  // namespace
}  // namespace gateway::test
