#include "common/logging/identifier_mask.h"

#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <ctime>

#include "common/crypto/sha256.h"
#include "common/text/utf8.h"

namespace gateway::logging {
namespace {

const std::array<unsigned char, 32>& processKey() {
  static const std::array<unsigned char, 32> key = [] {
    std::array<unsigned char, 32> k{};
    if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1) {
      // No entropy: fall back to the address of the key and the time, which still keeps
      // tokens from being a plain, precomputable hash.
      const auto seed =
          reinterpret_cast<std::uintptr_t>(&k) ^ static_cast<std::uintptr_t>(std::time(nullptr));
      for (std::size_t i = 0; i < k.size(); ++i) {
        k[i] = static_cast<unsigned char>(seed >> ((i % 8) * 8));
      }
    }
    return k;
  }();
  return key;
}

}  // namespace

std::string maskIdentifier(std::string_view value) {
  if (value.empty()) return "-";
  const auto& key = processKey();
  const auto digest = crypto::hmacSha256(key.data(), key.size(), value);
  char token[16];
  std::snprintf(token, sizeof(token), "~%02x%02x%02x%02x", digest[0], digest[1], digest[2],
                digest[3]);
  return token;
}

namespace {

// The first character of a name component, whole (a UTF-8 sequence is never cut).
std::string firstCharacter(std::string_view component) {
  const std::size_t start = component.find_first_not_of(' ');
  if (start == std::string_view::npos) return {};
  const text::Utf8Unit unit = text::decodeUtf8At(component, start);
  if (!unit.valid) return "?";
  std::string out;
  text::appendUtf8(out, unit.code_point < 0x80 && unit.code_point >= 'a' && unit.code_point <= 'z'
                            ? unit.code_point - 0x20
                            : unit.code_point);
  return out;
}

std::string_view component(std::string_view name, std::size_t index) {
  // Only the alphabetic group (before the first '='), then FAMILY^GIVEN^MIDDLE^...
  name = name.substr(0, name.find('='));
  for (std::size_t i = 0; i < index; ++i) {
    const std::size_t caret = name.find('^');
    if (caret == std::string_view::npos) return {};
    name.remove_prefix(caret + 1);
  }
  return name.substr(0, name.find('^'));
}

}  // namespace

std::string nameInitials(std::string_view patient_name) {
  std::string out;
  for (const std::size_t index : {std::size_t{1}, std::size_t{0}}) {
    const std::string initial = firstCharacter(component(patient_name, index));
    if (!initial.empty()) out += initial + ".";
  }
  return out;
}

std::string idTail(std::string_view patient_id) {
  if (patient_id.empty()) return {};
  const std::u32string points = text::decodeUtf8(patient_id);
  if (points.size() <= 3) return "*";
  std::string out = "*";
  for (std::size_t i = points.size() - 3; i < points.size(); ++i) text::appendUtf8(out, points[i]);
  return out;
}

std::string maskPatient(std::string_view patient_name, std::string_view patient_id) {
  const std::string initials = nameInitials(patient_name);
  const std::string tail = idTail(patient_id);
  if (initials.empty() && tail.empty()) return "-";
  if (initials.empty()) return tail;
  if (tail.empty()) return initials;
  return initials + " " + tail;
}

}  // namespace gateway::logging
