#include "common/dicom_values/value_checks.h"

#include <dcmtk/dcmdata/dcvrae.h>
#include <dcmtk/dcmdata/dcvrui.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "common/text/trim.h"

namespace gateway::dicom_values {
namespace {

constexpr std::size_t kMaxAeLength = 16;  // PS3.5 6.2, AE
constexpr std::size_t kMaxUiLength = 64;  // PS3.5 6.2, UI

OFString toOFString(std::string_view text) { return OFString(text.data(), text.size()); }

}  // namespace

CheckedValue parseAeTitle(std::string_view text) {
  // Leading and trailing spaces are not significant in an AE title (PS3.5 AE VR).
  const std::string t = text::trim(text);
  if (t.empty()) return {std::nullopt, "AE title is empty"};
  // DCMTK's AE checker decides (length, printable ASCII without backslash, one value); the
  // rest only says which rule was broken, in the order people fix them.
  if (DcmApplicationEntity::checkStringValue(toOFString(t), "1").good()) return {t, {}};
  if (t.size() > kMaxAeLength) {
    return {std::nullopt, "AE title '" + t + "' is longer than 16 characters"};
  }
  for (const char c : t) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\') return {std::nullopt, "AE title '" + t + "' contains a backslash"};
    if (u < 0x20 || u >= 0x7f) {
      return {std::nullopt, "AE title contains a control or non-ASCII character"};
    }
  }
  return {std::nullopt, "'" + t + "' is not a valid AE title"};
}

bool isValidUid(std::string_view text) {
  if (text.empty() || text.size() > kMaxUiLength) return false;
  std::size_t component_start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '.') {
      if (i == component_start) return false;  // empty component
      component_start = i + 1;
    } else if (text[i] < '0' || text[i] > '9') {
      return false;
    }
  }
  return true;
}

bool isConformantUid(std::string_view text) {
  // checkStringValue accepts an empty value (an empty element is valid), a UID is not.
  return !text.empty() && DcmUniqueIdentifier::checkStringValue(toOFString(text), "1").good();
}

CheckedValue parseUid(std::string_view text) {
  const std::string t = text::trim(text);
  if (!isValidUid(t)) return {std::nullopt, "'" + t + "' is not a valid DICOM UID"};
  return {t, {}};
}

namespace {

bool allDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

int number(std::string_view s) { return std::stoi(std::string(s)); }

}  // namespace

bool isValidDate(std::string_view v) {
  if (v.size() != 8 || !allDigits(v)) return false;
  const int year = number(v.substr(0, 4));
  const int month = number(v.substr(4, 2));
  const int day = number(v.substr(6, 2));
  if (year < 1800 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int max = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max;
}

bool isValidTime(std::string_view v) {
  const std::size_t dot = v.find('.');
  const std::string_view main = v.substr(0, dot);
  if (main.size() != 2 && main.size() != 4 && main.size() != 6) return false;
  if (!allDigits(main)) return false;
  if (number(main.substr(0, 2)) > 23) return false;
  if (main.size() >= 4 && number(main.substr(2, 2)) > 59) return false;
  if (main.size() == 6 && number(main.substr(4, 2)) > 60) return false;  // leap second
  if (dot == std::string_view::npos) return true;
  const std::string_view fraction = v.substr(dot + 1);
  return main.size() == 6 && !fraction.empty() && fraction.size() <= 6 && allDigits(fraction);
}

}  // namespace gateway::dicom_values
