#include "common/config/value_parsers.h"

#include <gtest/gtest.h>

namespace gateway::config {
namespace {

TEST(ValueParsers, ParsesIntegersWithinRangeOnly) {
  EXPECT_EQ(parseInteger("4244", 1, 65535).value, 4244);
  EXPECT_EQ(parseInteger(" 42 ", 1, 65535).value, 42);
  EXPECT_FALSE(parseInteger("0", 1, 65535).value);
  EXPECT_FALSE(parseInteger("65536", 1, 65535).value);
  EXPECT_FALSE(parseInteger("12ab", 1, 65535).value);
  EXPECT_FALSE(parseInteger("", 1, 65535).value);
  EXPECT_NE(parseInteger("70000", 1, 65535).error.find("out of range"), std::string::npos);
}

TEST(ValueParsers, ParsesByteSizesWithBinaryAndDecimalSuffixes) {
  EXPECT_EQ(parseByteSize("512").value, 512u);
  EXPECT_EQ(parseByteSize("64MiB").value, 64ULL << 20);
  EXPECT_EQ(parseByteSize("8 GiB").value, 8ULL << 30);
  EXPECT_EQ(parseByteSize("2GB").value, 2000000000ULL);
  EXPECT_FALSE(parseByteSize("0").value);
  EXPECT_FALSE(parseByteSize("lots").value);
  EXPECT_FALSE(parseByteSize("99999999999TiB").value);
}

TEST(ValueParsers, NormalisesLogLevels) {
  EXPECT_EQ(parseLogLevel("INFO").value, "info");
  EXPECT_EQ(parseLogLevel("Warning").value, "warn");
  EXPECT_EQ(parseLogLevel("debug").value, "debug");
  EXPECT_FALSE(parseLogLevel("verbose").value);
}

}  // namespace
}  // namespace gateway::config
