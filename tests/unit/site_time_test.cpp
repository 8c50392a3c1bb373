// The site's local time on the days that are not 24 hours long (TZ=Europe/London).
#include "services/window/site_time.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace gateway::window {
namespace {

std::time_t utc(int year, int month, int day, int hour, int minute) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  return timegm(&tm);
}

class SiteTime : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    saved_ = tz != nullptr ? std::optional<std::string>(tz) : std::nullopt;
    applySiteTimezone("Europe/London");
  }
  void TearDown() override {
    if (saved_) {
      ::setenv("TZ", saved_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  std::optional<std::string> saved_;
};

TEST_F(SiteTime, TheSpringForwardDayHas23Hours) {
  // 2027-03-28: clocks go from 01:00 GMT to 02:00 BST.
  const UtcRange day = utcRangeOfLocalDay("20270328");
  EXPECT_EQ(day.from, "2027-03-28 00:00:00");
  EXPECT_EQ(day.to, "2027-03-28 23:00:00");
  EXPECT_EQ(localDate(utc(2027, 3, 27, 23, 45)), "20270327");
  EXPECT_EQ(localDate(utc(2027, 3, 28, 22, 59)), "20270328");
  EXPECT_EQ(localDate(utc(2027, 3, 28, 23, 0)), "20270329");  // 00:00 BST
}

TEST_F(SiteTime, TheFallBackDayHas25Hours) {
  // 2027-10-31: clocks go from 02:00 BST back to 01:00 GMT.
  const UtcRange day = utcRangeOfLocalDay("20271031");
  EXPECT_EQ(day.from, "2027-10-30 23:00:00");
  EXPECT_EQ(day.to, "2027-11-01 00:00:00");
  // Half past midnight local on the 31st is still the 30th in UTC.
  EXPECT_EQ(localDate(utc(2027, 10, 30, 23, 30)), "20271031");
  EXPECT_EQ(localIsoFromUtc("2027-10-30 23:45:00"), "2027-10-31T00:45:00+01:00");
  EXPECT_EQ(localIsoFromUtc("2027-10-31 01:30:00"), "2027-10-31T01:30:00+00:00");
  EXPECT_EQ(localIsoFromUtc("2027-10-31 23:30:00"), "2027-10-31T23:30:00+00:00");
}

TEST_F(SiteTime, StepsOverDstDaysByCalendarDate) {
  EXPECT_EQ(nextDate("20270327"), "20270328");
  EXPECT_EQ(nextDate("20270328"), "20270329");
  EXPECT_EQ(previousDate("20271101"), "20271031");
  EXPECT_EQ(previousDate("20271031"), "20271030");
  EXPECT_EQ(nextDate("20271231"), "20280101");
}

TEST_F(SiteTime, ShowsScheduledTimesAsScheduled) {
  EXPECT_EQ(scheduledDisplay("20270328", "003000"), "2027-03-28 00:30");
  EXPECT_EQ(scheduledDisplay("20271031", "2330"), "2027-10-31 23:30");
  EXPECT_EQ(scheduledDisplay("", "0130"), "01:30");
  EXPECT_EQ(localIsoFromUtc("not a time"), "");
  EXPECT_TRUE(utcRangeOfLocalDay("2027-03-28").from.empty());
}

}  // namespace
}  // namespace gateway::window
