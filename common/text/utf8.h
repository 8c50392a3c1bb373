#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// The product's one UTF-8 codec, strict as RFC 3629 says: no overlong forms (C0 AF for '/'),
// no UTF-16 surrogates (U+D800-U+DFFF), nothing above U+10FFFF, no truncated sequence.
// Peers and import files decide what bytes we get, so every check of "is this UTF-8?" and
// every decode goes through here; two codecs of different strictness would let a value pass
// one check and be read differently by the next.
//
// Policy for invalid input: each byte that does not start a well-formed sequence counts as
// one invalid unit and decodes to U+FFFD; decoding goes on with the next byte. So "\xE5\xB1"
// (a three-byte sequence cut short) gives two U+FFFD, and the ASCII after a broken sequence
// is never swallowed.
namespace gateway::text {

inline constexpr char32_t kReplacementCharacter = U'\uFFFD';

// One decoding step: the code point at a position and how many bytes it took.
struct Utf8Unit {
  char32_t code_point = kReplacementCharacter;  // U+FFFD when !valid
  std::size_t length = 1;                       // bytes consumed: 1-4 (1 when !valid)
  bool valid = false;
};

// Decodes the unit starting at `at` (which must be < text.size()).
Utf8Unit decodeUtf8At(std::string_view text, std::size_t at);

// True when every byte of `text` belongs to a well-formed UTF-8 sequence. Empty text is valid.
bool isValidUtf8(std::string_view text);

// The whole text as code points, invalid bytes as U+FFFD (see the policy above).
std::u32string decodeUtf8(std::string_view text);

// `text` with every invalid byte replaced by U+FFFD (EF BF BD): always valid UTF-8, and
// unchanged when it already was.
std::string toValidUtf8(std::string_view text);

// Number of characters: code points, each invalid byte counting as one (DICOM length limits
// count characters, not bytes).
std::size_t countCodePoints(std::string_view text);

// Appends the UTF-8 form of `code_point`; surrogates and values above U+10FFFF append U+FFFD.
void appendUtf8(std::string& out, char32_t code_point);

}  // namespace gateway::text
