#include "services/mwl/csv_reader.h"

#include <gtest/gtest.h>

namespace gateway::mwl {
namespace {

using Cells = std::vector<std::string>;

TEST(CsvReader, SplitsRecordsOnLfAndCrlf) {
  const auto csv = parseCsv("a,b,c\r\n1,2,3\n4,5,6");
  ASSERT_TRUE(csv.error.empty()) << csv.error;
  ASSERT_EQ(csv.records.size(), 3u);
  EXPECT_EQ(csv.records[0].cells, (Cells{"a", "b", "c"}));
  EXPECT_EQ(csv.records[1].cells, (Cells{"1", "2", "3"}));
  EXPECT_EQ(csv.records[2].cells, (Cells{"4", "5", "6"}));
  EXPECT_EQ(csv.records[2].line, 3u);
}

TEST(CsvReader, QuotedValuesHoldCommasDoubledQuotesAndLineBreaks) {
  const auto csv =
      parseCsv("name,note\n\"DOE, JANE\",\"say \"\"hi\"\"\"\n\"two\nlines\",x\nlast,row\n");
  ASSERT_TRUE(csv.error.empty()) << csv.error;
  ASSERT_EQ(csv.records.size(), 4u);
  EXPECT_EQ(csv.records[1].cells, (Cells{"DOE, JANE", "say \"hi\""}));
  EXPECT_EQ(csv.records[2].cells, (Cells{"two\nlines", "x"}));
  EXPECT_EQ(csv.records[2].line, 3u);
  EXPECT_EQ(csv.records[3].line, 5u);  // the quoted line break counts
}

TEST(CsvReader, KeepsEmptyCellsAndSkipsEmptyLines) {
  const auto csv = parseCsv("a,,c,\n\n\r\n,,\n");
  ASSERT_TRUE(csv.error.empty()) << csv.error;
  ASSERT_EQ(csv.records.size(), 2u);
  EXPECT_EQ(csv.records[0].cells, (Cells{"a", "", "c", ""}));
  EXPECT_EQ(csv.records[1].cells, (Cells{"", "", ""}));
  EXPECT_EQ(csv.records[1].line, 4u);
  const auto quoted_empty = parseCsv("\"\",x");
  ASSERT_EQ(quoted_empty.records.size(), 1u);
  EXPECT_EQ(quoted_empty.records[0].cells, (Cells{"", "x"}));
}

TEST(CsvReader, SkipsAByteOrderMarkAndPassesUtf8Through) {
  const auto csv =
      parseCsv("\xEF\xBB\xBFpatient_name\nZO\xC3\x8B^ANNA\n\xE5\xB1\xB1\xE7\x94\xB0\n");
  ASSERT_TRUE(csv.error.empty()) << csv.error;
  ASSERT_EQ(csv.records.size(), 3u);
  EXPECT_EQ(csv.records[0].cells, (Cells{"patient_name"}));
  EXPECT_EQ(csv.records[1].cells, (Cells{"ZO\xC3\x8B^ANNA"}));
  EXPECT_EQ(csv.records[2].cells, (Cells{"\xE5\xB1\xB1\xE7\x94\xB0"}));
}

TEST(CsvReader, KeepsAQuoteInsideAnUnquotedValue) {
  const auto csv = parseCsv("O\"BRIEN,x\n");
  ASSERT_TRUE(csv.error.empty()) << csv.error;
  EXPECT_EQ(csv.records[0].cells, (Cells{"O\"BRIEN", "x"}));
}

TEST(CsvReader, ReportsAnUnclosedQuoteWithTheLineItOpenedOn) {
  const auto csv = parseCsv("a,b\n1,\"open\n2,3\n");
  EXPECT_NE(csv.error.find("opened on line 2"), std::string::npos) << csv.error;
  EXPECT_EQ(csv.error_line, 2u);
}

TEST(CsvReader, ReportsTextAfterAClosingQuote) {
  const auto csv = parseCsv("a,b\n\"x\"y,2\n");
  EXPECT_NE(csv.error.find("after a closing quote"), std::string::npos) << csv.error;
  EXPECT_EQ(csv.error_line, 2u);
}

}  // namespace
}  // namespace gateway::mwl
