#include "common/config/value_parsers.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace gateway::config {

Parsed<std::int64_t> parseInteger(std::string_view text, std::int64_t min, std::int64_t max) {
  const std::string t = trim(text);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
    return {std::nullopt, "'" + t + "' is not a whole number"};
  }
  if (v < min || v > max) {
    return {std::nullopt, "'" + t + "' is out of range (" + std::to_string(min) + " to " +
                              std::to_string(max) + ")"};
  }
  return {v, {}};
}

Parsed<std::uint64_t> parseByteSize(std::string_view text) {
  std::string t = trim(text);
  std::uint64_t multiplier = 1;
  struct Suffix {
    const char* name;
    std::uint64_t factor;
  };
  static constexpr Suffix kSuffixes[] = {
      {"KiB", 1ULL << 10}, {"MiB", 1ULL << 20}, {"GiB", 1ULL << 30},   {"TiB", 1ULL << 40},
      {"KB", 1000ULL},     {"MB", 1000000ULL},  {"GB", 1000000000ULL}, {"B", 1ULL}};
  for (const auto& s : kSuffixes) {
    const std::string_view suffix(s.name);
    if (t.size() > suffix.size() && t.ends_with(suffix)) {
      multiplier = s.factor;
      t = trim(std::string_view(t).substr(0, t.size() - suffix.size()));
      break;
    }
  }
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || v == 0) {
    return {std::nullopt,
            "'" + std::string(text) + "' is not a positive size (bytes, or with KiB/MiB/GiB/TiB)"};
  }
  if (v > std::numeric_limits<std::uint64_t>::max() / multiplier) {
    return {std::nullopt, "'" + std::string(text) + "' is too large"};
  }
  return {v * multiplier, {}};
}

Parsed<std::string> parseLogLevel(std::string_view text) {
  std::string t = trim(text);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "warning") t = "warn";
  if (t == "fatal") t = "critical";
  static constexpr const char* kLevels[] = {"trace", "debug",    "info", "warn",
                                            "error", "critical", "off"};
  for (const char* level : kLevels) {
    if (t == level) return {t, {}};
  }
  return {std::nullopt, "'" + std::string(text) +
                            "' is not a log level (trace, debug, info, warning, error, "
                            "critical, off)"};
}

}  // namespace gateway::config
