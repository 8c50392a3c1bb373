#include "services/mwl/worklist_json.h"

namespace gateway::mwl {
namespace {

bool isContinuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// Length of the well-formed UTF-8 sequence at `at` (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 if the bytes there are not one.
std::size_t utf8SequenceLength(std::string_view s, std::size_t at) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[at + k]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char min2 = 0x80;  // allowed range of the second byte
  unsigned char max2 = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) min2 = 0xa0;  // overlong
    if (lead == 0xed) max2 = 0x9f;  // UTF-16 surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) min2 = 0x90;  // overlong
    if (lead == 0xf4) max2 = 0x8f;  // above U+10FFFF
  } else {
    return 0;
  }
  if (at + length > s.size()) return 0;
  if (byte(1) < min2 || byte(1) > max2) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (!isContinuation(byte(k))) return 0;
  }
  return length;
}

}  // namespace

std::string jsonString(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(value.size() + 2);
  out += '"';
  for (std::size_t i = 0; i < value.size();) {
    const char c = value[i];
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      const std::size_t length = utf8SequenceLength(value, i);
      if (length == 0) {
        out += "\\ufffd";  // not UTF-8: the replacement character, one per byte
        ++i;
      } else {
        out.append(value.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0x0f];
        } else {
          out += c;
        }
    }
    ++i;
  }
  out += '"';
  return out;
}

std::string toJson(const WorklistItem& item) {
  std::string out = "{";
  bool first = true;
  for (const auto& field : worklistFields()) {
    if (!first) out += ',';
    first = false;
    out += jsonString(field.name);
    out += ':';
    out += jsonString(item.*(field.member));
  }
  return out + "}";
}

std::string toJson(const std::vector<WorklistItem>& items) {
  if (items.empty()) return "[]\n";
  std::string out = "[\n";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += "  " + toJson(items[i]) + (i + 1 < items.size() ? ",\n" : "\n");
  }
  return out + "]\n";
}

}  // namespace gateway::mwl
