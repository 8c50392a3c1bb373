#include "common/text/utf8.h"

namespace gateway::text {
namespace {

bool isContinuation(unsigned char c) { return (c & 0xc0) == 0x80; }

}  // namespace

Utf8Unit decodeUtf8At(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[at + k]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return {lead, 1, true};
  // RFC 3629 section 4: the lead byte gives the length and the allowed range of the second
  // byte; narrowing that range is what excludes overlong forms, surrogates and > U+10FFFF.
  std::size_t length = 0;
  char32_t code_point = 0;
  unsigned char min2 = 0x80;
  unsigned char max2 = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {  // C0 and C1 could only start overlong forms
    length = 2;
    code_point = lead & 0x1fu;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    code_point = lead & 0x0fu;
    if (lead == 0xe0) min2 = 0xa0;  // overlong below U+0800
    if (lead == 0xed) max2 = 0x9f;  // U+D800-U+DFFF, the UTF-16 surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    code_point = lead & 0x07u;
    if (lead == 0xf0) min2 = 0x90;  // overlong below U+10000
    if (lead == 0xf4) max2 = 0x8f;  // above U+10FFFF
  } else {
    return {};  // a continuation byte on its own, C0, C1 or F5-FF
  }
  if (text.size() - at < length) return {};
  if (byte(1) < min2 || byte(1) > max2) return {};
  for (std::size_t k = 1; k < length; ++k) {
    if (!isContinuation(byte(k))) return {};
    code_point = (code_point << 6) | (byte(k) & 0x3fu);
  }
  return {code_point, length, true};
}

bool isValidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {  // the common case, without a call
      ++i;
      continue;
    }
    const Utf8Unit unit = decodeUtf8At(text, i);
    if (!unit.valid) return false;
    i += unit.length;
  }
  return true;
}

std::u32string decodeUtf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Unit unit = decodeUtf8At(text, i);
    out.push_back(unit.code_point);
    i += unit.length;
  }
  return out;
}

std::string toValidUtf8(std::string_view text) {
  if (isValidUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Unit unit = decodeUtf8At(text, i);
    if (unit.valid) {
      out.append(text.substr(i, unit.length));
    } else {
      appendUtf8(out, kReplacementCharacter);
    }
    i += unit.length;
  }
  return out;
}

std::size_t countCodePoints(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) i += decodeUtf8At(text, i).length;
  return count;
}

void appendUtf8(std::string& out, char32_t code_point) {
  const auto put = [&out](char32_t bits) { out.push_back(static_cast<char>(bits)); };
  if ((code_point >= 0xd800 && code_point <= 0xdfff) || code_point > 0x10ffff) {
    code_point = kReplacementCharacter;
  }
  if (code_point < 0x80) {
    put(code_point);
  } else if (code_point < 0x800) {
    put(0xc0 | (code_point >> 6));
    put(0x80 | (code_point & 0x3f));
  } else if (code_point < 0x10000) {
    put(0xe0 | (code_point >> 12));
    put(0x80 | ((code_point >> 6) & 0x3f));
    put(0x80 | (code_point & 0x3f));
  } else {
    put(0xf0 | (code_point >> 18));
    put(0x80 | ((code_point >> 12) & 0x3f));
    put(0x80 | ((code_point >> 6) & 0x3f));
    put(0x80 | (code_point & 0x3f));
  }
}

}  // namespace gateway::text
