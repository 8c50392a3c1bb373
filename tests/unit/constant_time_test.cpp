#include "common/crypto/constant_time.h"

#include <gtest/gtest.h>

namespace gateway::crypto {
namespace {

TEST(ConstantTime, ComparesSecretsOfAnyLength) {
  EXPECT_TRUE(constantTimeEquals("s3cret-token", "s3cret-token"));
  EXPECT_FALSE(constantTimeEquals("s3cret-tokeN", "s3cret-token"));
  EXPECT_FALSE(constantTimeEquals("s3cret", "s3cret-token"));
  EXPECT_FALSE(constantTimeEquals("", "s3cret-token"));
  EXPECT_FALSE(constantTimeEquals(std::string_view("s3cret-token\0", 13), "s3cret-token"));
}

}  // namespace
}  // namespace gateway::crypto
