#pragma once

#include <ctime>
#include <string>

// The site's local time for the operator's window. Appointments are stored as scheduled
// (local wall-clock date and time, as the booking system sent them) and shown as they are;
// what needs the zone is "which day is today", the day's range of storage times (the index
// keeps UTC) and showing a storage time in local time. All of it goes through the C
// library's TZ handling, so a DST day has 23 or 25 hours.
namespace gateway::window {

// Makes `zone` (an IANA name, validated by the configuration) the process's local zone.
// Empty: keep the host's (TZ). Call before any thread starts (it sets TZ).
void applySiteTimezone(const std::string& zone);

// The local date (YYYYMMDD) of an instant.
std::string localDate(std::time_t instant);

// [from, to) in UTC "YYYY-MM-DD HH:MM:SS" of the local day `date` (YYYYMMDD), as SQLite's
// CURRENT_TIMESTAMP writes it; from and to are local midnights.
struct UtcRange {
  std::string from;
  std::string to;
};
UtcRange utcRangeOfLocalDay(const std::string& date);

// A UTC "YYYY-MM-DD HH:MM:SS" (CURRENT_TIMESTAMP) as local ISO 8601 with its offset
// ("2027-10-31T00:45:00+01:00"); "" when it cannot be read.
std::string localIsoFromUtc(const std::string& utc);
// An instant as local ISO 8601 with its offset.
std::string localIso(std::time_t instant);

// "20270328" + "003000" -> "2027-03-28 00:30" (as scheduled; no conversion).
std::string scheduledDisplay(const std::string& date, const std::string& time);

// The next local date after YYYYMMDD ("20270331" -> "20270401"), and the one before.
// Seconds from a UTC "YYYY-MM-DD HH:MM:SS" (the databases' timestamps) until now; -1 when
// the text is not one.
long long secondsSinceUtc(const std::string& utc);
// "40 s", "12 min", "3 h", "2 days": a wait as a person reads it.
std::string durationText(long long seconds);

std::string nextDate(const std::string& date);
std::string previousDate(const std::string& date);

}  // namespace gateway::window
