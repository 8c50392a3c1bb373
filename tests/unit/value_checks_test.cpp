#include "common/dicom_values/value_checks.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <gtest/gtest.h>

#include "common/dicom_values/dataset_values.h"

namespace gateway::dicom_values {
namespace {

TEST(ValueChecks, AcceptsOnlyValidAeTitles) {
  EXPECT_EQ(parseAeTitle("SCREENING_PACS").value, "SCREENING_PACS");
  EXPECT_EQ(parseAeTitle("  MWL_SCP ").value, "MWL_SCP");  // spaces are not significant
  EXPECT_EQ(parseAeTitle("ABCDEFGHIJKLMNOP").value, "ABCDEFGHIJKLMNOP");  // 16
  EXPECT_EQ(parseAeTitle("MY AE~{}").value, "MY AE~{}");  // any printable ASCII but backslash
  EXPECT_FALSE(parseAeTitle("").value);
  EXPECT_FALSE(parseAeTitle("   ").value);
  EXPECT_FALSE(parseAeTitle("ABCDEFGHIJKLMNOPQ").value);  // 17
  EXPECT_FALSE(parseAeTitle("BAD\\AE").value);
  EXPECT_FALSE(parseAeTitle("BAD\tAE").value);
  EXPECT_FALSE(parseAeTitle("BAD\x01").value);
  EXPECT_FALSE(parseAeTitle("BAD\x7f").value);
  EXPECT_FALSE(parseAeTitle("M\xC3\x9CLLER").value);  // not ASCII
}

TEST(ValueChecks, SaysWhichAeTitleRuleIsBroken) {
  EXPECT_EQ(parseAeTitle(" ").error, "AE title is empty");
  EXPECT_EQ(parseAeTitle("ABCDEFGHIJKLMNOPQ").error,
            "AE title 'ABCDEFGHIJKLMNOPQ' is longer than 16 characters");
  EXPECT_EQ(parseAeTitle("BAD\\AE").error, "AE title 'BAD\\AE' contains a backslash");
  EXPECT_EQ(parseAeTitle("BAD\tAE").error, "AE title contains a control or non-ASCII character");
  EXPECT_EQ(parseAeTitle("\xC3\x9C").error, "AE title contains a control or non-ASCII character");
  EXPECT_TRUE(parseAeTitle("OK").error.empty());
}

TEST(ValueChecks, ValidatesUidSyntax) {
  EXPECT_TRUE(isValidUid("1.2.840.10008.5.1.4.1.1.1.2"));
  EXPECT_TRUE(isValidUid("1.2.840.0012.3"));  // leading zeros: tolerated (old modalities)
  EXPECT_FALSE(isValidUid(""));
  EXPECT_FALSE(isValidUid("1..2"));
  EXPECT_FALSE(isValidUid("1.2."));
  EXPECT_FALSE(isValidUid(".1.2"));
  EXPECT_FALSE(isValidUid("1.2.abc"));
  EXPECT_FALSE(isValidUid("../../etc/passwd"));
  EXPECT_FALSE(isValidUid(std::string(65, '1')));
  EXPECT_TRUE(isValidUid(std::string(64, '1')));
}

TEST(ValueChecks, ParsesUidsTrimmedAndNamesABadOne) {
  EXPECT_EQ(parseUid(" 1.2.3 ").value, "1.2.3");
  EXPECT_FALSE(parseUid("1.2.x").value);
  EXPECT_EQ(parseUid(" 1.2.x ").error, "'1.2.x' is not a valid DICOM UID");
}

TEST(ValueChecks, ConformantUidsFollowPs35ToTheLetter) {
  EXPECT_TRUE(isConformantUid("1.2.840.10008.1.1"));
  EXPECT_TRUE(isConformantUid("2.25.0"));           // a lone zero is a valid component
  EXPECT_FALSE(isConformantUid("1.2.840.0012.3"));  // isValidUid tolerates this, PS3.5 does not
  EXPECT_FALSE(isConformantUid(""));
  EXPECT_FALSE(isConformantUid("1..2"));
  EXPECT_FALSE(isConformantUid(std::string(65, '1')));
}

TEST(ValueChecks, DatesAreRealCalendarDates) {
  EXPECT_TRUE(isValidDate("20240229"));   // a leap day
  EXPECT_FALSE(isValidDate("20230229"));  // not a leap year
  EXPECT_FALSE(isValidDate("20261131"));
  EXPECT_FALSE(isValidDate("2026-11-28"));
  EXPECT_FALSE(isValidDate("17991231"));
}

TEST(ValueChecks, TimesHaveTwoFourOrSixDigitsAndAFraction) {
  EXPECT_TRUE(isValidTime("09"));
  EXPECT_TRUE(isValidTime("0930"));
  EXPECT_TRUE(isValidTime("235960.123456"));  // leap second, six fraction digits
  EXPECT_FALSE(isValidTime("093"));
  EXPECT_FALSE(isValidTime("0930.5"));  // a fraction needs seconds
  EXPECT_FALSE(isValidTime("2400"));
  EXPECT_FALSE(isValidTime("093000.1234567"));
}

TEST(DatasetValues, PutsTheValueOrAZeroLengthAttribute) {
  DcmItem item;
  putOrEmpty(item, DCM_PatientID, "P1");
  putOrEmpty(item, DCM_PatientName, "");
  OFString value;
  EXPECT_TRUE(item.findAndGetOFString(DCM_PatientID, value).good());
  EXPECT_EQ(std::string(value.c_str()), "P1");
  EXPECT_TRUE(item.tagExists(DCM_PatientName));
  EXPECT_FALSE(item.tagExistsWithValue(DCM_PatientName));
}

}  // namespace
}  // namespace gateway::dicom_values
