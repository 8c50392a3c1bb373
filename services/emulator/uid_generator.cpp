#include "services/emulator/uid_generator.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <mutex>
#include <random>

namespace gateway::emulator {

std::string newUid() {
  static std::mutex mutex;
  static std::random_device device;
  std::array<std::uint32_t, 4> words{};
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto& w : words) w = device();
  }
  words[1] = (words[1] & 0xFFFF0FFFu) | 0x00004000u;  // UUID version 4
  words[2] = (words[2] & 0x3FFFFFFFu) | 0x80000000u;  // RFC 4122 variant
  // Long division of the 128-bit number (four 32-bit words, most significant first) by 10.
  std::string digits;
  while (std::any_of(words.begin(), words.end(), [](std::uint32_t w) { return w != 0; })) {
    std::uint64_t remainder = 0;
    for (auto& w : words) {
      const std::uint64_t value = (remainder << 32) | w;
      w = static_cast<std::uint32_t>(value / 10);
      remainder = value % 10;
    }
    digits.push_back(static_cast<char>('0' + remainder));
  }
  std::reverse(digits.begin(), digits.end());
  return "2.25." + digits;
}

}  // namespace gateway::emulator
