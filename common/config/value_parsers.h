#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/text/trim.h"

// Pure parsers for setting values. DICOM values (AE titles, UIDs) are checked by
// common/dicom_values/value_checks.h. Each returns the parsed value or an error text
// that says what was wrong with the value (the caller adds the setting's name).
namespace gateway::config {

template <typename T>
struct Parsed {
  std::optional<T> value;
  std::string error;
};

Parsed<std::int64_t> parseInteger(std::string_view text, std::int64_t min, std::int64_t max);
Parsed<std::uint64_t> parseByteSize(std::string_view text);  // "512", "64MiB", "8GiB"
Parsed<std::string> parseLogLevel(std::string_view text);    // normalised lower-case

// Settings are trimmed the way every other text is (common/text/trim.h).
using text::trim;

}  // namespace gateway::config
