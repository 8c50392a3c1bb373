#include "common/http/http_message.h"

#include <gtest/gtest.h>

namespace gateway::http {
namespace {

TEST(HttpTarget, SplitsAndDecodesPathAndQuery) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(parseTarget("/api/worklist/SCR%2F1?date=20261203&status=IN+PROGRESS%2CCOMPLETED&x",
                          path, query));
  EXPECT_EQ(path, "/api/worklist/SCR/1");
  EXPECT_EQ(query["date"], "20261203");
  EXPECT_EQ(query["status"], "IN PROGRESS,COMPLETED");
  EXPECT_EQ(query.count("x"), 1u);
  ASSERT_TRUE(parseTarget("/", path, query));
  EXPECT_EQ(path, "/");
  EXPECT_TRUE(query.empty());
}

TEST(HttpTarget, RefusesWhatCouldLeaveARouteOrIsBroken) {
  std::string path;
  std::map<std::string, std::string> query;
  EXPECT_FALSE(parseTarget("api", path, query));
  EXPECT_FALSE(parseTarget("http://host/", path, query));
  EXPECT_FALSE(parseTarget("/thumbnail/../../etc/passwd", path, query));
  EXPECT_FALSE(parseTarget("/thumbnail/%2E%2E/x", path, query));
  EXPECT_FALSE(parseTarget("/a/..", path, query));
  EXPECT_FALSE(parseTarget("/a%", path, query));
  EXPECT_FALSE(parseTarget("/a%4", path, query));
  EXPECT_FALSE(parseTarget("/a%zz", path, query));
  EXPECT_FALSE(parseTarget("/a%00b", path, query));
  EXPECT_FALSE(parseTarget("/a?b=%G0", path, query));
}

TEST(HttpTarget, DecodesPlusAsSpaceOnlyInTheQuery) {
  EXPECT_EQ(percentDecode("a+b%20c", true), "a b c");
  EXPECT_EQ(percentDecode("a+b", false), "a+b");
  EXPECT_FALSE(percentDecode("%", false));
}

TEST(HttpMessage, FindsHeadersAndParams) {
  HttpRequest request;
  request.headers["authorization"] = "Bearer x";
  request.query["date"] = "20261203";
  EXPECT_EQ(request.header("authorization"), "Bearer x");
  EXPECT_EQ(request.header("host"), "");
  EXPECT_EQ(request.param("date"), "20261203");
  EXPECT_FALSE(request.param("status"));
  EXPECT_STREQ(reasonPhrase(413), "Content Too Large");
}

}  // namespace
}  // namespace gateway::http
