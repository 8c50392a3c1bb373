#include "common/json/json_writer.h"

#include <gtest/gtest.h>

namespace gateway::json {
namespace {

std::string line(const std::string& text) { return toJsonLine(Json(text)); }

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(line(""), "\"\"");
  EXPECT_EQ(line("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(line("C:\\dir"), "\"C:\\\\dir\"");
  EXPECT_EQ(line("a\nb\tc\rd\be\ff"), "\"a\\nb\\tc\\rd\\be\\ff\"");
  EXPECT_EQ(line(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(line(std::string("nul\0x", 5)), "\"nul\\u0000x\"");
  EXPECT_EQ(line("a/b\x7f"), "\"a/b\x7f\"");  // neither needs escaping
}

TEST(JsonWriter, PassesUtf8ThroughAndReplacesEachInvalidByte) {
  EXPECT_EQ(line("ZO\xC3\x8B^ANNA"), "\"ZO\xC3\x8B^ANNA\"");
  EXPECT_EQ(line("\xE5\xB1\xB1\xE7\x94\xB0"), "\"\xE5\xB1\xB1\xE7\x94\xB0\"");  // 山田
  EXPECT_EQ(line("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");                  // outside the BMP
  const std::string r = "\xEF\xBF\xBD";                                         // U+FFFD
  EXPECT_EQ(line("\xE9t\xE9"), "\"" + r + "t" + r + "\"");   // Latin-1, not UTF-8
  EXPECT_EQ(line("\xC0\xAF"), "\"" + r + r + "\"");          // overlong '/'
  EXPECT_EQ(line("\xED\xA0\x80"), "\"" + r + r + r + "\"");  // a surrogate
  EXPECT_EQ(line("end\xE5\xB1"), "\"end" + r + r + "\"");    // cut short
}

TEST(JsonWriter, RepairsNestedValuesAndKeysAndKeepsMemberOrder) {
  Json value = Json::object();
  value["zeta"] = 1;
  value["alpha"] = Json::array({"ok", "bad\xFF"});
  value["k\xFF"] = true;
  EXPECT_EQ(toJsonLine(value),
            "{\"zeta\":1,\"alpha\":[\"ok\",\"bad\xEF\xBF\xBD\"],\"k\xEF\xBF\xBD\":true}");
  // The written text parses back as JSON.
  EXPECT_TRUE(nlohmann::json::accept(toJsonLine(value)));
}

}  // namespace
}  // namespace gateway::json
