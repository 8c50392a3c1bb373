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

TEST(PatientMask, ShowsGivenAndFamilyInitialsAndTheLastThreeOfTheId) {
  EXPECT_EQ(maskPatient("SMITH^JANE", "DEMO-0001"), "J.S. *001");
  EXPECT_EQ(maskPatient("smith^jane^ann", "123456"), "J.S. *456");
  EXPECT_EQ(maskPatient("SMITH", "12"), "S. *");
  EXPECT_EQ(maskPatient("", ""), "-");
  EXPECT_EQ(maskPatient("", "ABCDEF"), "*DEF");
  EXPECT_EQ(maskPatient("^JANE", ""), "J.");
}

TEST(PatientMask, KeepsMultiByteCharactersWholeAndIgnoresOtherGroups) {
  EXPECT_EQ(nameInitials("MÜLLER^ÖZLEM"), "Ö.M.");
  EXPECT_EQ(nameInitials("Yamada^Tarou=山田^太郎"), "T.Y.");
  EXPECT_EQ(idTail("ID-ÄÖÜ"), "*ÄÖÜ");
  EXPECT_EQ(nameInitials("\xff^\xfe"), "?.?.");
}

TEST(PatientMask, NeverShowsTheFullNameOrId) {
  const std::string shown = maskPatient("<script>alert(1)</script>", "PID-12345678");
  EXPECT_EQ(shown.find("script"), std::string::npos);
  EXPECT_EQ(shown.find("12345"), std::string::npos);
  EXPECT_EQ(shown, "<. *678");
}

}  // namespace
}  // namespace gateway::logging
