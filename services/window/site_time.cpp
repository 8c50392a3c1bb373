#include "services/window/site_time.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace gateway::window {
namespace {

bool parseDate(const std::string& date, std::tm& tm) {
  if (date.size() != 8) return false;
  for (const char c : date) {
    if (c < '0' || c > '9') return false;
  }
  tm = {};
  tm.tm_year = std::stoi(date.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(date.substr(4, 2)) - 1;
  tm.tm_mday = std::stoi(date.substr(6, 2));
  tm.tm_isdst = -1;  // let mktime decide: that is the point on DST days
  return true;
}

std::string utcText(std::time_t instant) {
  std::tm tm{};
  gmtime_r(&instant, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

std::string shiftDate(const std::string& date, int days) {
  std::tm tm{};
  if (!parseDate(date, tm)) return {};
  tm.tm_mday += days;
  tm.tm_hour = 12;  // noon: never skipped or doubled by a DST change
  const std::time_t t = std::mktime(&tm);
  return localDate(t);
}

}  // namespace

void applySiteTimezone(const std::string& zone) {
  if (zone.empty()) return;
  ::setenv("TZ", zone.c_str(), 1);
  ::tzset();
}

std::string localDate(std::time_t instant) {
  std::tm tm{};
  localtime_r(&instant, &tm);
  char text[16];
  std::strftime(text, sizeof(text), "%Y%m%d", &tm);
  return text;
}

UtcRange utcRangeOfLocalDay(const std::string& date) {
  std::tm start{};
  if (!parseDate(date, start)) return {};
  std::tm end = start;
  end.tm_mday += 1;
  const std::time_t from = std::mktime(&start);
  const std::time_t to = std::mktime(&end);
  return {utcText(from), utcText(to)};
}

std::string localIso(std::time_t instant) {
  std::tm tm{};
  localtime_r(&instant, &tm);
  char text[40];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S%z", &tm);
  std::string out = text;
  // +0100 -> +01:00 (ISO 8601 extended, as JSON readers expect)
  if (out.size() >= 5) out.insert(out.size() - 2, ":");
  return out;
}

std::string localIsoFromUtc(const std::string& utc) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (std::sscanf(utc.c_str(), "%4d-%2d-%2d %2d:%2d:%2d", &year, &month, &day, &hour, &minute,
                  &second) != 6) {
    return {};
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return localIso(timegm(&tm));
}

std::string scheduledDisplay(const std::string& date, const std::string& time) {
  std::string out;
  if (date.size() == 8) out = date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2);
  if (time.size() >= 4)
    out += (out.empty() ? "" : " ") + time.substr(0, 2) + ":" + time.substr(2, 2);
  return out;
}

std::string nextDate(const std::string& date) { return shiftDate(date, 1); }
std::string previousDate(const std::string& date) { return shiftDate(date, -1); }

long long secondsSinceUtc(const std::string& utc) {
  std::tm tm{};
  if (utc.size() < 19 || strptime(utc.c_str(), "%Y-%m-%d %H:%M:%S", &tm) == nullptr) return -1;
  return std::max<long long>(0, static_cast<long long>(std::time(nullptr) - timegm(&tm)));
}

std::string durationText(long long seconds) {
  if (seconds < 120) return std::to_string(seconds) + " s";
  if (seconds < 7200) return std::to_string(seconds / 60) + " min";
  if (seconds < 172800) return std::to_string(seconds / 3600) + " h";
  return std::to_string(seconds / 86400) + " days";
}

}  // namespace gateway::window
