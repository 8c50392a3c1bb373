#include "common/config/ipv4_range.h"

#include <charconv>

#include "common/config/value_parsers.h"

namespace gateway::config {
namespace {

std::uint32_t maskOf(int prefix) { return prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix); }

std::string dotted(std::uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
         std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff);
}

}  // namespace

std::optional<std::uint32_t> parseIpv4Address(std::string_view text) {
  std::uint32_t address = 0;
  int parts = 0;
  std::size_t pos = 0;
  while (parts < 4) {
    const std::size_t end = parts < 3 ? text.find('.', pos) : text.size();
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view part = text.substr(pos, end - pos);
    // Decimal only, 1-3 digits: "010" or "0x1" would mean octal or hex to inet_aton.
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) {
      return std::nullopt;
    }
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || ptr != part.data() + part.size() || value > 255) return std::nullopt;
    address = (address << 8) | value;
    ++parts;
    pos = end + 1;
  }
  return address;
}

Ipv4Range::Ipv4Range(std::uint32_t network, int prefix)
    : network_(network), mask_(maskOf(prefix)), prefix_(prefix) {}

std::optional<Ipv4Range> Ipv4Range::parse(std::string_view text, std::string* error) {
  const std::string t = trim(text);
  auto fail = [&](const std::string& why) -> std::optional<Ipv4Range> {
    if (error != nullptr) *error = why;
    return std::nullopt;
  };
  const std::size_t slash = t.find('/');
  const std::string address_text = t.substr(0, slash);
  const auto address = parseIpv4Address(address_text);
  if (!address) return fail("'" + t + "' is not an IPv4 address or CIDR range");
  int prefix = 32;
  if (slash != std::string::npos) {
    const std::string_view bits = std::string_view(t).substr(slash + 1);
    const auto [ptr, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
    if (bits.empty() || ec != std::errc() || ptr != bits.data() + bits.size() || prefix < 0 ||
        prefix > 32) {
      return fail("'" + t + "': the prefix length must be 0-32");
    }
  }
  if ((*address & ~maskOf(prefix)) != 0) {
    return fail("'" + t + "' has host bits set; the range is " + dotted(*address & maskOf(prefix)) +
                "/" + std::to_string(prefix));
  }
  return Ipv4Range(*address, prefix);
}

bool Ipv4Range::contains(std::string_view address) const {
  const auto parsed = parseIpv4Address(address);
  return parsed && contains(*parsed);
}

std::string Ipv4Range::toString() const {
  return prefix_ == 32 ? dotted(network_) : dotted(network_) + "/" + std::to_string(prefix_);
}

}  // namespace gateway::config
