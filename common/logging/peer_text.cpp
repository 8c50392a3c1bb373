#include "common/logging/peer_text.h"

namespace gateway::logging {

std::string escaped(std::string_view text, std::size_t max_length) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const bool cut = text.size() > max_length;
  if (cut) text = text.substr(0, max_length);
  std::string out;
  out.reserve(text.size() + 8);
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (byte >= 0x20 && byte < 0x7F) {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  if (cut) out += "...";
  return out;
}

}  // namespace gateway::logging
