#include "common/logging/identifier_mask.h"

#include <gtest/gtest.h>

namespace gateway::logging {
namespace {

TEST(IdentifierMask, GivesAStableTokenThatHidesTheValue) {
  const std::string token = maskIdentifier("PID-12345678");
  EXPECT_EQ(token, maskIdentifier("PID-12345678"));
  EXPECT_EQ(token.size(), 9u);
  EXPECT_EQ(token[0], '~');
  EXPECT_EQ(token.find("12345678"), std::string::npos);
  EXPECT_NE(token, maskIdentifier("PID-12345679"));
}

TEST(IdentifierMask, MarksEmptyValues) { EXPECT_EQ(maskIdentifier(""), "-"); }

}  // namespace
}  // namespace gateway::logging
