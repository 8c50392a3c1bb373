#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// The structure of a YAML or JSON import file: values as text with the line each one is on,
// so one reader of worklist items serves both formats and every message can name a line.
namespace gateway::mwl {

struct ImportEntry;

struct ImportNode {
  enum class Kind { kNull, kScalar, kList, kMap };
  Kind kind = Kind::kNull;
  std::size_t line = 0;              // 1-based; 0 when unknown
  std::string text;                  // kScalar; JSON numbers and booleans as text
  std::vector<ImportNode> elements;  // kList
  std::vector<ImportEntry> entries;  // kMap, in file order, repeated keys included
};

struct ImportEntry {
  std::string key;  // empty when the key is not plain text (YAML allows a list as a key)
  bool key_is_text = true;
  std::size_t key_line = 0;
  ImportNode value;
};

// A file read into nodes, or why it could not be read (then `root` is null).
struct ImportDocument {
  ImportNode root;
  std::string error;  // "not valid JSON: ..."; empty when the file was read
  std::size_t error_line = 0;
};

// An import is a list of items of fields of values, perhaps under `items`: a list or map
// nested deeper than that keeps its kind and line but not its contents, so a file nesting
// thousands of levels costs neither memory nor stack.
inline constexpr std::size_t kImportDepthKept = 3;

// An empty file (or only white space, or a null document) gives a null root, no error.
// A leading UTF-8 byte order mark is skipped.
ImportDocument readYamlDocument(std::string_view text);
// Strict JSON (RFC 8259, nlohmann-json): strings must be valid UTF-8; a key given twice is
// kept twice, so the caller can say so.
ImportDocument readJsonDocument(std::string_view text);

}  // namespace gateway::mwl
