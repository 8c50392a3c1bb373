#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gateway::config {

// One IPv4 address or CIDR range ("10.20.0.7", "10.20.0.0/16") of an allow-list. Pure.
class Ipv4Range {
 public:
  // Parses "a.b.c.d" (a /32) or "a.b.c.d/n" (0 <= n <= 32). Bits below the prefix must be
  // zero ("10.1.2.3/16" is refused: it is almost always a typo for an address or a range).
  // On failure returns nullopt and sets `error` to what was wrong.
  static std::optional<Ipv4Range> parse(std::string_view text, std::string* error = nullptr);

  bool contains(std::uint32_t address) const { return (address & mask_) == network_; }
  // `address` in dotted form; false when it is not an IPv4 address.
  bool contains(std::string_view address) const;
  int prefixLength() const { return prefix_; }
  std::string toString() const;  // "10.20.0.0/16", or "10.20.0.7" for a /32

  friend bool operator==(const Ipv4Range&, const Ipv4Range&) = default;

 private:
  Ipv4Range(std::uint32_t network, int prefix);
  std::uint32_t network_ = 0;
  std::uint32_t mask_ = 0;
  int prefix_ = 32;
};

// "a.b.c.d" as a host-order number; nullopt unless exactly four decimal parts 0-255.
std::optional<std::uint32_t> parseIpv4Address(std::string_view text);

}  // namespace gateway::config
