#include "common/matching/attribute_matcher.h"

#include <gtest/gtest.h>

namespace gateway::match {
namespace {

TEST(AttributeMatch, TreatsEmptyAndLoneStarAsUniversal) {
  EXPECT_TRUE(matchText("", "ANY"));
  EXPECT_TRUE(matchText("*", ""));
  EXPECT_TRUE(matchPersonName("*", "DOE^JANE"));
  EXPECT_TRUE(matchDate("", "20261128"));
  EXPECT_TRUE(matchTime("*", "093000"));
  EXPECT_TRUE(matchUidList("", "1.2.3"));
}

TEST(AttributeMatch, MatchesSingleValuesExactlyAndCaseSensitively) {
  EXPECT_TRUE(matchText("MG", "MG"));
  EXPECT_FALSE(matchText("MG", "CT"));
  EXPECT_FALSE(matchText("mg", "MG"));
  EXPECT_TRUE(matchText("MG ", "MG"));  // padding is not significant
  EXPECT_FALSE(matchText("ACC1", "ACC12"));
}

TEST(AttributeMatch, MatchesWildcards) {
  EXPECT_TRUE(matchText("ACC*", "ACC123"));
  EXPECT_TRUE(matchText("A?C1*", "ABC123"));
  EXPECT_FALSE(matchText("A?C1*", "AC123"));
  EXPECT_TRUE(matchText("*23", "ACC123"));
  EXPECT_TRUE(matchText("A*C*3", "ACC123"));
  EXPECT_FALSE(matchText("A*X*", "ACC123"));
}

TEST(AttributeMatch, TreatsSqlCharactersAsPlainCharacters) {
  EXPECT_TRUE(matchText("50%_OFF'", "50%_OFF'"));
  EXPECT_FALSE(matchText("50%", "50X"));
  EXPECT_FALSE(matchText("A_C", "ABC"));
}

TEST(AttributeMatch, MatchesPersonNamesCaseInsensitivelyInEveryScript) {
  EXPECT_TRUE(matchPersonName("müller*", "MÜLLER^JÜRGEN"));
  EXPECT_TRUE(matchPersonName("MÜLLER^JÜRGEN", "müller^jürgen"));
  EXPECT_TRUE(matchPersonName("ó'brien^siân", "Ó'Brien^Siân"));
  EXPECT_FALSE(matchPersonName("muller*", "MÜLLER^JÜRGEN"));  // no accent folding
  EXPECT_TRUE(matchPersonName("m?ller*", "MÜLLER^JÜRGEN"));   // ? is one character, not byte
}

TEST(AttributeMatch, MatchesPersonNameComponents) {
  EXPECT_TRUE(matchPersonName("SMITH", "SMITH^JOHN"));  // family name alone
  EXPECT_FALSE(matchPersonName("JOHN", "SMITH^JOHN"));
  EXPECT_TRUE(matchPersonName("SMITH^J*", "SMITH^JOHN^Q"));
  EXPECT_TRUE(matchPersonName("^JOHN", "SMITH^JOHN"));  // empty family component: any
  EXPECT_FALSE(matchPersonName("SMITH^JANE", "SMITH^JOHN"));
  EXPECT_TRUE(matchPersonName("SMITH^JOHN", "SMITH^JOHN=スミス^ジョン"));
  EXPECT_TRUE(matchPersonName("スミス*", "SMITH^JOHN=スミス^ジョン"));
}

TEST(AttributeMatch, MatchesListsOfUids) {
  EXPECT_TRUE(matchUidList("1.2.3\\1.2.4", "1.2.4"));
  EXPECT_FALSE(matchUidList("1.2.3\\1.2.4", "1.2.5"));
  EXPECT_TRUE(matchUidList("1.2.3", "1.2.3"));
}

TEST(AttributeMatch, MatchesDateRanges) {
  EXPECT_TRUE(matchDate("20261128", "20261128"));
  EXPECT_FALSE(matchDate("20261128", "20261129"));
  EXPECT_TRUE(matchDate("20261101-20261130", "20261128"));
  EXPECT_FALSE(matchDate("20261101-20261127", "20261128"));
  EXPECT_TRUE(matchDate("-20261128", "19991231"));
  EXPECT_TRUE(matchDate("20261128-", "20301231"));
  EXPECT_FALSE(matchDate("20261128-", "20261127"));
  EXPECT_FALSE(matchDate("20261101-", ""));
}

TEST(AttributeMatch, MatchesTimeRangesAtTheirPrecision) {
  EXPECT_TRUE(matchTime("0800-1200", "093000"));
  EXPECT_FALSE(matchTime("0800-0900", "093000"));
  EXPECT_TRUE(matchTime("09", "095959.5"));  // an hour covers its whole span
  EXPECT_TRUE(matchTime("0930", "093000"));
  EXPECT_FALSE(matchTime("0930", "093100"));
  EXPECT_TRUE(matchTime("-0930", "093059"));
  EXPECT_TRUE(matchTime("093000.5-", "093000.6"));
}

TEST(AttributeMatch, MatchesDateTimeRanges) {
  EXPECT_TRUE(matchDateTime("20261128080000-20261128120000", "20261128093000"));
  EXPECT_FALSE(matchDateTime("20261128100000-", "20261128093000"));
  EXPECT_TRUE(matchDateTime("20261128", "20261128235959"));
  EXPECT_TRUE(matchDateTime("-20261128", "20261127"));
}

TEST(AttributeMatch, CombinesStartDateAndTimeIntoOneRange) {
  // 28th 16:00 to 29th 10:00: a night shift.
  EXPECT_TRUE(matchDateAndTime("20261128-20261129", "1600-1000", "20261128", "200000"));
  EXPECT_TRUE(matchDateAndTime("20261128-20261129", "1600-1000", "20261129", "083000"));
  EXPECT_FALSE(matchDateAndTime("20261128-20261129", "1600-1000", "20261128", "083000"));
  EXPECT_FALSE(matchDateAndTime("20261128-20261129", "1600-1000", "20261129", "110000"));
  // One date and a time range: that day, those hours.
  EXPECT_TRUE(matchDateAndTime("20261128", "0800-1200", "20261128", "093000"));
  EXPECT_FALSE(matchDateAndTime("20261128", "0800-1200", "20261129", "093000"));
  // Time alone: those hours on any day.
  EXPECT_TRUE(matchDateAndTime("", "0800-1200", "20300101", "093000"));
  EXPECT_FALSE(matchDateAndTime("*", "0800-1200", "20300101", "133000"));
}

TEST(AttributeMatch, ValidatesQuerySyntax) {
  EXPECT_TRUE(isValidDateQuery("20261128-20261130"));
  EXPECT_TRUE(isValidDateQuery("-20261130"));
  EXPECT_FALSE(isValidDateQuery("2026-11-28"));
  EXPECT_FALSE(isValidDateQuery("20261131"));
  EXPECT_FALSE(isValidDateQuery("-"));
  EXPECT_TRUE(isValidTimeQuery("0800-1200"));
  EXPECT_FALSE(isValidTimeQuery("2500"));
  EXPECT_FALSE(isValidTimeQuery("08:00"));
}

TEST(AttributeMatch, MatchesAnyOfSeveralValues) {
  const std::vector<std::string> modalities = {"MG", "SR", "PR"};
  EXPECT_TRUE(matchAnyValue("MG", modalities));
  EXPECT_TRUE(matchAnyValue("CT\\SR", modalities));  // any query value against any value
  EXPECT_FALSE(matchAnyValue("CT\\MR", modalities));
  EXPECT_TRUE(matchAnyValue("P?", modalities));
  EXPECT_TRUE(matchAnyValue("", {}));  // universal
  EXPECT_FALSE(matchAnyValue("MG", {}));
}

TEST(AttributeMatch, ValidatesDateTimeQuerySyntax) {
  EXPECT_TRUE(isValidDateTimeQuery("20261128"));
  EXPECT_TRUE(isValidDateTimeQuery("20261128080000-20261128120000.5"));
  EXPECT_TRUE(isValidDateTimeQuery("-2026112812"));
  EXPECT_FALSE(isValidDateTimeQuery("2026112825"));
  EXPECT_FALSE(isValidDateTimeQuery("202611"));
  EXPECT_FALSE(isValidDateTimeQuery("-"));
}

TEST(AttributeMatch, DispatchesEachRuleToItsMatcher) {
  EXPECT_TRUE(matchByRule(Rule::kText, "A*", "ABC"));
  EXPECT_FALSE(matchByRule(Rule::kText, "abc", "ABC"));
  EXPECT_TRUE(matchByRule(Rule::kPersonName, "abc", "ABC^D"));
  EXPECT_TRUE(matchByRule(Rule::kUidList, "1.2\\1.3", "1.3"));
  EXPECT_TRUE(matchByRule(Rule::kDate, "20261101-", "20261128"));
  EXPECT_TRUE(matchByRule(Rule::kTime, "09", "093000"));
  EXPECT_TRUE(matchByRule(Rule::kDateTime, "20261128", "20261128093000"));
  EXPECT_FALSE(matchByRule(Rule::kDate, "20261101", "20261128"));
}

TEST(AttributeMatch, ChecksQuerySyntaxByRule) {
  EXPECT_FALSE(isValidQuery(Rule::kDate, "01.11.2026"));
  EXPECT_FALSE(isValidQuery(Rule::kTime, "25"));
  EXPECT_FALSE(isValidQuery(Rule::kDateTime, "2026"));
  EXPECT_TRUE(isValidQuery(Rule::kUidList, "1.2.3\\1.2.4"));
  EXPECT_TRUE(isValidQuery(Rule::kUidList, "*"));
  EXPECT_FALSE(isValidQuery(Rule::kUidList, "1.2.*"));
  EXPECT_FALSE(isValidQuery(Rule::kUidList, "1.2.3\\x"));
  EXPECT_TRUE(isValidQuery(Rule::kText, "anything*?"));
}

TEST(AttributeMatch, SurvivesHostilePatterns) {
  const std::string pattern(200, '*');
  EXPECT_TRUE(matchText(pattern + "X", std::string(5000, 'A') + "X"));
  EXPECT_FALSE(matchText("*A*A*A*A*A*A*A*A*A*B", std::string(5000, 'A')));
}

}  // namespace
}  // namespace gateway::match
