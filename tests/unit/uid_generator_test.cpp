#include "common/dicom_values/uid_generator.h"

#include <gtest/gtest.h>

#include <set>

#include "common/dicom_values/value_checks.h"

namespace gateway::dicom_values {
namespace {

TEST(UidGenerator, GivesConformantUniqueUidsUnder225) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string uid = generateUid();
    EXPECT_EQ(uid.rfind("2.25.", 0), 0u) << uid;
    EXPECT_TRUE(isConformantUid(uid)) << uid;
    EXPECT_LE(uid.size(), 44u) << uid;  // 2.25. and at most 39 digits of a 128-bit number
    seen.insert(uid);
  }
  EXPECT_EQ(seen.size(), 1000u);  // many within one clock tick: still all different
}

}  // namespace
}  // namespace gateway::dicom_values
