#pragma once

#include <string>
#include <string_view>
#include <vector>

// DICOM attribute matching (PS3.4 C.2.2.2) on stored UTF-8 values: pure functions, no
// database, no DCMTK. The one matcher of the gateway: the Modality Worklist and the PACS
// Query/Retrieve SCP both call it, so a rule (wildcards, ranges, person names) is decided in
// one place. The query parsers check value syntax before these are called.
namespace gateway::match {

// Zero-length and "*" alone are universal matching: every value matches.
bool isUniversal(std::string_view query);
bool hasWildcard(std::string_view query);

// Single value or wildcard (`*` any run, `?` one character) matching, case-sensitive, as
// for SH, LO, CS and AE values. Leading and trailing spaces are not significant.
bool matchText(std::string_view query, std::string_view value);

// Person names: case-insensitive for every script (`müller*` finds `MÜLLER^JÜRGEN`), with
// wildcards, and component-aware: a query without `^` matches the whole name or its family
// name alone (`SMITH` finds `SMITH^JOHN`); a query with components matches component by
// component, a missing or empty component matching anything.
bool matchPersonName(std::string_view query, std::string_view value);

// List of UID matching: the value equals one of the backslash-separated UIDs.
bool matchUidList(std::string_view query, std::string_view value);

// Multiple value matching (PS3.4 C.2.2.2.8), for attributes with several values such as
// Modalities in Study: a match when any backslash-separated query value matches (matchText)
// any of `values`.
bool matchAnyValue(std::string_view query, const std::vector<std::string>& values);

// Date (YYYYMMDD), time (HH[MM[SS[.F]]]) and date-time single-value or range matching:
// `A-B`, `-B`, `A-`. A time given to a lower precision covers its whole span
// (`09` is 09:00:00 to 09:59:59.999999).
bool matchDate(std::string_view query, std::string_view value);
bool matchTime(std::string_view query, std::string_view value);
bool matchDateTime(std::string_view query, std::string_view value);  // YYYYMMDD[HHMMSS[.F]]

// A Date and a Time attribute queried together (Scheduled Procedure Step Start Date and
// Time) match as one date-time range: `D1-D2` with `T1-T2` means D1T1 to D2T2.
bool matchDateAndTime(std::string_view date_query, std::string_view time_query,
                      std::string_view date, std::string_view time);

// Syntax checks for query values (ranges included), so a bad query gets a failure status
// instead of silently matching nothing.
bool isValidDateQuery(std::string_view query);
bool isValidTimeQuery(std::string_view query);
bool isValidDateTimeQuery(std::string_view query);  // YYYYMMDD[HH[MM[SS[.F]]]] bounds

// The matching rule of a key, by its value representation: what the key tables of the
// C-FIND SCPs name, so that the choice of function above is made here once.
enum class Rule {
  kText,        // matchText: SH, LO, CS, AE, IS, ...
  kPersonName,  // matchPersonName: PN
  kUidList,     // matchUidList: UI
  kDate,        // matchDate: DA
  kTime,        // matchTime: TM
  kDateTime,    // matchDateTime: DT
};
bool matchByRule(Rule rule, std::string_view query, std::string_view value);
// The syntax check of a query value for `rule`: date, time and date-time values and ranges,
// UIDs and lists of UIDs (no wildcards); text and names are always acceptable.
bool isValidQuery(Rule rule, std::string_view query);

// Lower-case form of UTF-8 text, by Unicode simple case mapping (C.UTF-8 locale). Decoded
// by text::decodeUtf8: a byte that is not UTF-8 becomes U+FFFD and matches only U+FFFD.
std::u32string foldCase(std::string_view utf8);

}  // namespace gateway::match
