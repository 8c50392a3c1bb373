#include "services/window/api_access.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.h"

namespace gateway::window {
namespace {

http::HttpRequest withAuthorization(const std::string& value) {
  http::HttpRequest request;
  if (!value.empty()) request.headers["authorization"] = value;
  return request;
}

const std::string kToken = "0123456789abcdef0123";

TEST(ApiAccess, WritesNeedTheRightBearerToken) {
  const ApiAccess access(kToken, false);
  EXPECT_EQ(access.write(withAuthorization("")), ApiAccess::Verdict::kMissingToken);
  EXPECT_EQ(access.write(withAuthorization("Bearer nope")), ApiAccess::Verdict::kWrongToken);
  EXPECT_EQ(access.write(withAuthorization("Basic " + kToken)), ApiAccess::Verdict::kMissingToken);
  EXPECT_EQ(access.write(withAuthorization("Bearer " + kToken)), ApiAccess::Verdict::kGranted);
  EXPECT_EQ(access.write(withAuthorization("bearer  " + kToken + " ")),
            ApiAccess::Verdict::kGranted);
}

TEST(ApiAccess, WithoutATokenTheWriteApiIsOff) {
  const ApiAccess access("", false);
  EXPECT_EQ(access.write(withAuthorization("Bearer " + kToken)), ApiAccess::Verdict::kWritesOff);
  EXPECT_FALSE(access.writesEnabled());
  EXPECT_FALSE(access.hasToken(withAuthorization("Bearer " + kToken)));
}

TEST(ApiAccess, ReadsAreOpenOnLoopbackButAWrongTokenIsStillRefused) {
  const ApiAccess open(kToken, false);
  EXPECT_EQ(open.read(withAuthorization("")), ApiAccess::Verdict::kGranted);
  EXPECT_EQ(open.read(withAuthorization("Bearer stale")), ApiAccess::Verdict::kWrongToken);
  EXPECT_TRUE(open.hasToken(withAuthorization("Bearer " + kToken)));
  const ApiAccess closed(kToken, true);
  EXPECT_EQ(closed.read(withAuthorization("")), ApiAccess::Verdict::kMissingToken);
  EXPECT_EQ(closed.read(withAuthorization("Bearer " + kToken)), ApiAccess::Verdict::kGranted);
}

TEST(ApiToken, IsReadTrimmedAndMustBeLongEnough) {
  test::TempDir dir;
  std::ofstream(dir / "token") << "  " << kToken << "\n";
  EXPECT_EQ(loadApiToken(dir / "token"), kToken);
  std::ofstream(dir / "short") << "abc\n";
  EXPECT_THROW(loadApiToken(dir / "short"), std::runtime_error);
  std::ofstream(dir / "empty") << "\n";
  EXPECT_THROW(loadApiToken(dir / "empty"), std::runtime_error);
  std::ofstream(dir / "spaced") << "0123456789 abcdef0123\n";
  EXPECT_THROW(loadApiToken(dir / "spaced"), std::runtime_error);
  EXPECT_THROW(loadApiToken(dir / "absent"), std::runtime_error);
}

TEST(ApiAccess, KnowsLoopbackAddresses) {
  EXPECT_TRUE(isLoopbackAddress("127.0.0.1"));
  EXPECT_TRUE(isLoopbackAddress("127.1.2.3"));
  EXPECT_FALSE(isLoopbackAddress("0.0.0.0"));
  EXPECT_FALSE(isLoopbackAddress("10.0.0.127"));
}

}  // namespace
}  // namespace gateway::window
