#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Pure parsers for setting values. Each returns the parsed value or an error text
// that says what was wrong with the value (the caller adds the setting's name).
namespace gateway::config {

template <typename T>
struct Parsed {
  std::optional<T> value;
  std::string error;
};

Parsed<std::int64_t> parseInteger(std::string_view text, std::int64_t min, std::int64_t max);
Parsed<std::uint64_t> parseByteSize(std::string_view text);  // "512", "64MiB", "8GiB"
Parsed<std::string> parseAeTitle(std::string_view text);
Parsed<std::string> parseLogLevel(std::string_view text);  // normalised lower-case
Parsed<std::string> parseUid(std::string_view text);

// True when text is usable as a DICOM UID here: 1-64 chars, digits and dots, no empty
// component. Leading zeros in a component break PS3.5 but some older modalities send them,
// and refusing their images would lose them, so they pass.
bool isValidUid(std::string_view text);

std::string trim(std::string_view text);

}  // namespace gateway::config
