#include "common/matching/attribute_matcher.h"

#include <algorithm>
#include <cwctype>
#include <locale>
#include <optional>
#include <vector>

#include "common/dicom_values/value_checks.h"
#include "common/text/utf8.h"

namespace gateway::match {
namespace {

std::string_view trimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Iterative glob matching with backtracking on the last `*`: linear in practice, and no
// recursion a hostile pattern could blow up.
template <typename Char>
bool globMatch(std::basic_string_view<Char> pattern, std::basic_string_view<Char> text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::basic_string_view<Char>::npos;
  std::size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == Char('?') || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == Char('*')) {
      star = p++;
      star_text = t;
    } else if (star != std::basic_string_view<Char>::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == Char('*')) ++p;
  return p == pattern.size();
}

const std::ctype<wchar_t>* unicodeCtype() {
  static const std::ctype<wchar_t>* facet = []() -> const std::ctype<wchar_t>* {
    try {
      static const std::locale locale("C.UTF-8");
      return &std::use_facet<std::ctype<wchar_t>>(locale);
    } catch (const std::exception&) {
      return nullptr;  // no UTF-8 locale: ASCII folding only
    }
  }();
  return facet;
}

std::vector<std::u32string> split(const std::u32string& s, char32_t separator) {
  std::vector<std::u32string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = s.find(separator, start);
    parts.push_back(
        s.substr(start, end == std::u32string::npos ? std::u32string::npos : end - start));
    if (end == std::u32string::npos) break;
    start = end + 1;
  }
  return parts;
}

std::u32string trimU32(const std::u32string& s) {
  std::size_t a = 0;
  std::size_t b = s.size();
  while (a < b && s[a] == U' ') ++a;
  while (b > a && s[b - 1] == U' ') --b;
  return s.substr(a, b - a);
}

bool componentMatches(const std::u32string& query, const std::u32string& value) {
  const std::u32string q = trimU32(query);
  if (q.empty() || q == U"*") return true;
  return globMatch<char32_t>(q, trimU32(value));
}

// Splits "A-B" into its bounds; a value without '-' is both bounds.
struct Range {
  std::string_view low;
  std::string_view high;
  bool is_range;
};
Range splitRange(std::string_view query) {
  const auto dash = query.find('-');
  if (dash == std::string_view::npos) return {query, query, false};
  return {query.substr(0, dash), query.substr(dash + 1), true};
}

// Fixed-width comparable forms: "HHMMSS.ffffff" for times, filled with zeros (lower bound,
// stored values) or with the span's last instant (upper bound).
std::string normalizeTime(std::string_view t, bool upper) {
  const auto dot = t.find('.');
  std::string main(t.substr(0, dot == std::string_view::npos ? t.size() : dot));
  std::string fraction(dot == std::string_view::npos ? std::string_view() : t.substr(dot + 1));
  const std::string bound = upper ? "235959" : "000000";
  if (main.size() < 6) main += bound.substr(main.size());
  if (fraction.size() < 6) fraction += std::string(6 - fraction.size(), upper ? '9' : '0');
  return main + "." + fraction.substr(0, 6);
}

std::string normalizeDateTime(std::string_view dt, bool upper) {
  // YYYYMMDD[HH[MM[SS[.F]]]] (any UTC offset suffix is ignored).
  std::string_view core = dt.substr(0, std::min(dt.find_first_of("+-", 8), dt.size()));
  std::string date(core.substr(0, std::min<std::size_t>(8, core.size())));
  if (date.size() < 8) date += std::string(upper ? "99991231" : "00000101").substr(date.size());
  const std::string_view time = core.size() > 8 ? core.substr(8) : std::string_view();
  return date + normalizeTime(time, upper);
}

bool inRange(const std::string& value, const std::optional<std::string>& low,
             const std::optional<std::string>& high) {
  if (low && value < *low) return false;
  if (high && value > *high) return false;
  return true;
}

}  // namespace

std::u32string foldCase(std::string_view utf8) {
  std::u32string folded = text::decodeUtf8(utf8);
  const auto* ctype = unicodeCtype();
  for (char32_t& c : folded) {
    if (ctype != nullptr) {
      c = static_cast<char32_t>(ctype->tolower(static_cast<wchar_t>(c)));
    } else if (c >= U'A' && c <= U'Z') {
      c = c - U'A' + U'a';
    }
  }
  return folded;
}

bool isUniversal(std::string_view query) {
  const auto q = trimSpaces(query);
  return q.empty() || q == "*";
}

bool hasWildcard(std::string_view query) {
  return query.find_first_of("*?") != std::string_view::npos;
}

bool matchText(std::string_view query, std::string_view value) {
  if (isUniversal(query)) return true;
  const auto q = trimSpaces(query);
  const auto v = trimSpaces(value);
  if (!hasWildcard(q)) return q == v;
  return globMatch<char>(q, v);
}

bool matchPersonName(std::string_view query, std::string_view value) {
  if (isUniversal(query)) return true;
  const std::u32string q = trimU32(foldCase(trimSpaces(query)));
  const std::u32string v = foldCase(trimSpaces(value));
  // Try each component group of the value (alphabetic, ideographic, phonetic).
  for (const std::u32string& group : split(v, U'=')) {
    const std::u32string g = trimU32(group);
    if (g.empty()) continue;
    if (q.find(U'^') == std::u32string::npos && q.find(U'=') == std::u32string::npos) {
      if (globMatch<char32_t>(q, g)) return true;  // the whole name
      const auto components = split(g, U'^');
      if (globMatch<char32_t>(q, trimU32(components[0]))) return true;  // family name alone
      continue;
    }
    const auto query_groups = split(q, U'=');
    const auto qc = split(query_groups[0], U'^');
    const auto vc = split(g, U'^');
    bool all = true;
    for (std::size_t i = 0; i < qc.size() && all; ++i) {
      all = componentMatches(qc[i], i < vc.size() ? vc[i] : std::u32string());
    }
    if (all) return true;
  }
  return false;
}

bool matchUidList(std::string_view query, std::string_view value) {
  if (isUniversal(query)) return true;
  const auto v = trimSpaces(value);
  std::size_t start = 0;
  for (;;) {
    const auto end = query.find('\\', start);
    if (trimSpaces(query.substr(start, end == std::string_view::npos ? query.npos : end - start)) ==
        v) {
      return true;
    }
    if (end == std::string_view::npos) return false;
    start = end + 1;
  }
}

bool matchAnyValue(std::string_view query, const std::vector<std::string>& values) {
  if (isUniversal(query)) return true;
  std::size_t start = 0;
  for (;;) {
    const auto end = query.find('\\', start);
    const auto one = query.substr(start, end == std::string_view::npos ? query.npos : end - start);
    for (const auto& value : values) {
      if (matchText(one, value)) return true;
    }
    if (end == std::string_view::npos) return false;
    start = end + 1;
  }
}

bool isValidDateQuery(std::string_view query) {
  if (isUniversal(query)) return true;
  const Range r = splitRange(trimSpaces(query));
  if (r.is_range && r.low.empty() && r.high.empty()) return false;
  return (r.low.empty() || dicom_values::isValidDate(r.low)) &&
         (r.high.empty() || dicom_values::isValidDate(r.high));
}

bool isValidTimeQuery(std::string_view query) {
  if (isUniversal(query)) return true;
  const Range r = splitRange(trimSpaces(query));
  if (r.is_range && r.low.empty() && r.high.empty()) return false;
  return (r.low.empty() || dicom_values::isValidTime(r.low)) &&
         (r.high.empty() || dicom_values::isValidTime(r.high));
}

namespace {

// One bound of a DT range: a date, then optionally a time of any precision (no UTC offset:
// the index holds no time zones to compare it with).
bool isValidDateTimeBound(std::string_view bound) {
  if (bound.size() < 8 || !dicom_values::isValidDate(bound.substr(0, 8))) return false;
  return bound.size() == 8 || dicom_values::isValidTime(bound.substr(8));
}

}  // namespace

bool isValidDateTimeQuery(std::string_view query) {
  if (isUniversal(query)) return true;
  const Range r = splitRange(trimSpaces(query));
  if (r.is_range && r.low.empty() && r.high.empty()) return false;
  return (r.low.empty() || isValidDateTimeBound(r.low)) &&
         (r.high.empty() || isValidDateTimeBound(r.high));
}

bool matchDate(std::string_view query, std::string_view value) {
  if (isUniversal(query)) return true;
  const Range r = splitRange(trimSpaces(query));
  const std::string v(trimSpaces(value));
  if (!r.is_range) return v == r.low;
  if (v.empty()) return false;
  return inRange(v, r.low.empty() ? std::nullopt : std::optional<std::string>(r.low),
                 r.high.empty() ? std::nullopt : std::optional<std::string>(r.high));
}

bool matchTime(std::string_view query, std::string_view value) {
  if (isUniversal(query)) return true;
  const Range r = splitRange(trimSpaces(query));
  const auto v = trimSpaces(value);
  if (v.empty()) return false;
  const std::string item = normalizeTime(v, false);
  return inRange(item, r.low.empty() ? std::nullopt : std::optional(normalizeTime(r.low, false)),
                 r.high.empty() ? std::nullopt : std::optional(normalizeTime(r.high, true)));
}

bool matchDateTime(std::string_view query, std::string_view value) {
  if (isUniversal(query)) return true;
  const auto q = trimSpaces(query);
  // A '-' after position 8 may be a UTC offset, not a range: ranges are "A-B" at top level.
  const auto dash = q.find('-');
  const bool range = dash != std::string_view::npos && (dash == 0 || dash >= 8) &&
                     q.find_first_not_of("0123456789.-+") == q.npos;
  const auto v = trimSpaces(value);
  if (v.empty()) return false;
  const std::string item = normalizeDateTime(v, false);
  if (!range) {
    return inRange(item, normalizeDateTime(q, false), normalizeDateTime(q, true));
  }
  const auto low = q.substr(0, dash);
  const auto high = q.substr(dash + 1);
  return inRange(item, low.empty() ? std::nullopt : std::optional(normalizeDateTime(low, false)),
                 high.empty() ? std::nullopt : std::optional(normalizeDateTime(high, true)));
}

bool matchDateAndTime(std::string_view date_query, std::string_view time_query,
                      std::string_view date, std::string_view time) {
  if (isUniversal(date_query)) return matchTime(time_query, time);
  if (isUniversal(time_query)) return matchDate(date_query, date);
  const Range d = splitRange(trimSpaces(date_query));
  const Range t = splitRange(trimSpaces(time_query));
  const std::string item = std::string(trimSpaces(date)) + normalizeTime(trimSpaces(time), false);
  std::optional<std::string> low;
  std::optional<std::string> high;
  if (!d.low.empty()) {
    low = std::string(d.low) +
          (t.low.empty() ? normalizeTime("", false) : normalizeTime(t.low, false));
  }
  if (!d.high.empty()) {
    high = std::string(d.high) +
           (t.high.empty() ? normalizeTime("", true) : normalizeTime(t.high, true));
  }
  return inRange(item, low, high);
}

bool matchByRule(Rule rule, std::string_view query, std::string_view value) {
  switch (rule) {
    case Rule::kText:
      return matchText(query, value);
    case Rule::kPersonName:
      return matchPersonName(query, value);
    case Rule::kUidList:
      return matchUidList(query, value);
    case Rule::kDate:
      return matchDate(query, value);
    case Rule::kTime:
      return matchTime(query, value);
    case Rule::kDateTime:
      return matchDateTime(query, value);
  }
  return false;
}

bool isValidQuery(Rule rule, std::string_view query) {
  switch (rule) {
    case Rule::kDate:
      return isValidDateQuery(query);
    case Rule::kTime:
      return isValidTimeQuery(query);
    case Rule::kDateTime:
      return isValidDateTimeQuery(query);
    case Rule::kUidList: {
      if (isUniversal(query)) return true;
      std::size_t start = 0;
      for (;;) {
        const auto end = query.find('\\', start);
        const auto uid = trimSpaces(
            query.substr(start, end == std::string_view::npos ? query.npos : end - start));
        if (!dicom_values::isValidUid(uid)) return false;
        if (end == std::string_view::npos) return true;
        start = end + 1;
      }
    }
    case Rule::kText:
    case Rule::kPersonName:
      break;
  }
  return true;
}

}  // namespace gateway::match
