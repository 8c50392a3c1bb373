#include "common/dicom_values/value_checks.h"

#include <dcmtk/dcmdata/dcvrae.h>
#include <dcmtk/dcmdata/dcvrui.h>

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

}  // namespace gateway::dicom_values
