#include "common/dicom_values/current_date.h"

#include <gtest/gtest.h>

#include <ctime>

namespace gateway::dicom_values {
namespace {

std::string localToday() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof(text), "%Y%m%d", &local);
  return text;
}

TEST(CurrentDate, IsTodaysLocalDateAsDa) {
  const std::string before = localToday();
  const std::string date = currentDate();
  const std::string after = localToday();
  EXPECT_EQ(date.size(), 8u);
  EXPECT_TRUE(date == before || date == after) << date;  // midnight may pass in between
}

TEST(CurrentDate, GivesDateAndTimeOfOneInstantAsDaAndTm) {
  const std::string before = localToday();
  const auto now = currentDateAndTime();
  const std::string after = localToday();
  EXPECT_TRUE(now.date == before || now.date == after) << now.date;
  ASSERT_EQ(now.time.size(), 6u) << now.time;  // HHMMSS, no fraction
  for (const char c : now.time) EXPECT_TRUE(c >= '0' && c <= '9') << now.time;
  EXPECT_LE(now.time.substr(0, 2), "23");
  EXPECT_LE(now.time.substr(2, 2), "59");
}

}  // namespace
}  // namespace gateway::dicom_values
