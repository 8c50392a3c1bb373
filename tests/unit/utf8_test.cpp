#include "common/text/utf8.h"

#include <gtest/gtest.h>

namespace gateway::text {
namespace {

TEST(Utf8, AcceptsWellFormedTextOfEveryLength) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("plain ASCII ~\x7f"));
  EXPECT_TRUE(isValidUtf8("ZO\xC3\x8B^ANNA"));                   // two bytes
  EXPECT_TRUE(isValidUtf8("\xE5\xB1\xB1\xE7\x94\xB0"));          // 山田, three bytes
  EXPECT_TRUE(isValidUtf8("\xF0\x9F\x98\x80"));                  // U+1F600, four bytes
  EXPECT_TRUE(isValidUtf8("\xC2\x80\xDF\xBF"));                  // U+0080, U+07FF
  EXPECT_TRUE(isValidUtf8("\xE0\xA0\x80\xEF\xBF\xBF"));          // U+0800, U+FFFF
  EXPECT_TRUE(isValidUtf8("\xED\x9F\xBF\xEE\x80\x80"));          // U+D7FF, U+E000 (surrounding
                                                                 // the surrogates)
  EXPECT_TRUE(isValidUtf8("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"));  // U+10000, U+10FFFF
  EXPECT_TRUE(isValidUtf8(std::string("nul\0inside", 10)));
}

TEST(Utf8, RejectsOverlongFormsSurrogatesAndTooLargeCodePoints) {
  EXPECT_FALSE(isValidUtf8("\xC0\xAF"));                  // '/' in two bytes
  EXPECT_FALSE(isValidUtf8("\xC1\xBF"));                  // U+007F in two bytes
  EXPECT_FALSE(isValidUtf8("\xE0\x80\xAF"));              // '/' in three bytes
  EXPECT_FALSE(isValidUtf8("\xE0\x9F\xBF"));              // U+07FF in three bytes
  EXPECT_FALSE(isValidUtf8("\xF0\x80\x80\xAF"));          // '/' in four bytes
  EXPECT_FALSE(isValidUtf8("\xF0\x8F\xBF\xBF"));          // U+FFFF in four bytes
  EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));              // U+D800
  EXPECT_FALSE(isValidUtf8("\xED\xBF\xBF"));              // U+DFFF
  EXPECT_FALSE(isValidUtf8("\xED\xA0\xBD\xED\xB8\x80"));  // a CESU-8 surrogate pair
  EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80"));          // U+110000
  EXPECT_FALSE(isValidUtf8("\xF5\x80\x80\x80"));          // lead byte beyond F4
  EXPECT_FALSE(isValidUtf8("\xFF"));
  EXPECT_FALSE(isValidUtf8("\xFE\xFF"));
}

TEST(Utf8, RejectsTruncatedAndStraySequences) {
  EXPECT_FALSE(isValidUtf8("\xC3"));  // cut short at the end
  EXPECT_FALSE(isValidUtf8("end\xE5\xB1"));
  EXPECT_FALSE(isValidUtf8("\xF0\x9F\x98"));
  EXPECT_FALSE(
      isValidUtf8("\xC3"
                  "A"));  // continuation replaced by ASCII
  EXPECT_FALSE(
      isValidUtf8("\xE5\xB1"
                  "A"));
  EXPECT_FALSE(isValidUtf8("\x80"));  // a continuation byte on its own
  EXPECT_FALSE(
      isValidUtf8("A\xBF"
                  "B"));
  EXPECT_FALSE(isValidUtf8("\xE9t\xE9"));  // Latin-1, not UTF-8
}

TEST(Utf8, DecodesCodePointsAndEachInvalidByteAsOneReplacement) {
  EXPECT_EQ(decodeUtf8("A\xC3\x8B\xE5\xB1\xB1\xF0\x9F\x98\x80"),
            (std::u32string{U'A', U'\u00CB', U'\u5C71', U'\U0001F600'}));
  constexpr char32_t r = kReplacementCharacter;
  EXPECT_EQ(decodeUtf8("\xE9t\xE9"), (std::u32string{r, U't', r}));
  EXPECT_EQ(decodeUtf8("\xC0\xAF"), (std::u32string{r, r}));
  EXPECT_EQ(decodeUtf8("\xED\xA0\x80"), (std::u32string{r, r, r}));
  EXPECT_EQ(decodeUtf8("end\xE5\xB1"), (std::u32string{U'e', U'n', U'd', r, r}));
  // A broken sequence never swallows the ASCII after it.
  EXPECT_EQ(decodeUtf8("\xE5"
                       "ab"),
            (std::u32string{r, U'a', U'b'}));
  EXPECT_EQ(decodeUtf8("\xF4\x90\x80\x80"), (std::u32string{r, r, r, r}));
}

TEST(Utf8, DecodesOneUnitAtAPosition) {
  const std::string text = "a\xE5\xB1\xB1\xFF";
  EXPECT_EQ(decodeUtf8At(text, 0).code_point, U'a');
  const Utf8Unit cjk = decodeUtf8At(text, 1);
  EXPECT_TRUE(cjk.valid);
  EXPECT_EQ(cjk.code_point, U'\u5C71');
  EXPECT_EQ(cjk.length, 3u);
  const Utf8Unit bad = decodeUtf8At(text, 4);
  EXPECT_FALSE(bad.valid);
  EXPECT_EQ(bad.code_point, kReplacementCharacter);
  EXPECT_EQ(bad.length, 1u);
}

TEST(Utf8, RepairsTextByTheSamePolicy) {
  EXPECT_EQ(toValidUtf8("ZO\xC3\x8B"), "ZO\xC3\x8B");  // unchanged when valid
  EXPECT_EQ(toValidUtf8("\xE9t\xE9"), "\xEF\xBF\xBDt\xEF\xBF\xBD");
  EXPECT_EQ(toValidUtf8("end\xE5\xB1"), "end\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(isValidUtf8(toValidUtf8("\xED\xA0\x80\xC0\xAF\xF8")));
}

TEST(Utf8, CountsCharactersNotBytes) {
  EXPECT_EQ(countCodePoints(""), 0u);
  EXPECT_EQ(countCodePoints("M\xC3\x9CLLER"), 6u);
  EXPECT_EQ(countCodePoints("\xE5\xB1\xB1\xE7\x94\xB0"), 2u);
  EXPECT_EQ(countCodePoints("\xE9t\xE9"), 3u);  // an invalid byte counts as one
}

TEST(Utf8, EncodesEveryLengthAndReplacesWhatIsNotACharacter) {
  std::string out;
  for (const char32_t c : {U'A', U'\u00CB', U'\u5C71', U'\U0001F600'}) appendUtf8(out, c);
  EXPECT_EQ(out, "A\xC3\x8B\xE5\xB1\xB1\xF0\x9F\x98\x80");
  out.clear();
  appendUtf8(out, 0xD800);
  appendUtf8(out, 0x110000);
  EXPECT_EQ(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace gateway::text
