#include "services/mwl/import_document.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

namespace gateway::mwl {
namespace {

using Kind = ImportNode::Kind;

std::string_view withoutByteOrderMark(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

// ---- YAML ----

std::size_t lineOf(const YAML::Mark& mark) {
  return mark.is_null() || mark.line < 0 ? 0 : static_cast<std::size_t>(mark.line) + 1;
}

ImportNode fromYaml(const YAML::Node& node, std::size_t depth) {
  ImportNode out;
  out.line = lineOf(node.Mark());
  if (!node.IsDefined() || node.IsNull()) return out;
  if (node.IsScalar()) {
    out.kind = Kind::kScalar;
    out.text = node.Scalar();
  } else if (node.IsSequence()) {
    out.kind = Kind::kList;
    if (depth >= kImportDepthKept) return out;
    for (const auto& element : node) out.elements.push_back(fromYaml(element, depth + 1));
  } else if (node.IsMap()) {
    out.kind = Kind::kMap;
    if (depth >= kImportDepthKept) return out;
    for (const auto& entry : node) {
      const bool key_is_text = entry.first.IsScalar();
      out.entries.push_back({key_is_text ? entry.first.Scalar() : std::string(), key_is_text,
                             lineOf(entry.first.Mark()), fromYaml(entry.second, depth + 1)});
    }
  }
  return out;
}

// ---- JSON ----

// An input iterator over the text that publishes how far nlohmann's lexer has read, so SAX
// events (which carry no position) can be given a line.
class TrackingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackingIterator(const char* at, const char** read_to) : at_(at), read_to_(read_to) {}
  reference operator*() const { return *at_; }
  TrackingIterator& operator++() {
    *read_to_ = ++at_;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const TrackingIterator& other) const { return at_ == other.at_; }

 private:
  const char* at_;
  const char** read_to_;
};

// Builds ImportNodes from nlohmann's SAX events. Each event comes right after the lexer read
// its token (numbers: plus one character of look-ahead), so the token's line is that of the
// character before the read position; nothing later is ever looked at.
class NodeBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  NodeBuilder(std::string_view text, const char* const* read_to)
      : begin_(text.data()), size_(text.size()), read_to_(read_to), counted_to_(text.data()) {}

  ImportDocument take() { return std::move(document_); }

  bool null() override { return scalar(Kind::kNull, {}); }
  bool boolean(bool value) override { return scalar(Kind::kScalar, value ? "true" : "false"); }
  bool number_integer(number_integer_t value) override {
    return scalar(Kind::kScalar, std::to_string(value));
  }
  bool number_unsigned(number_unsigned_t value) override {
    return scalar(Kind::kScalar, std::to_string(value));
  }
  bool number_float(number_float_t, const string_t& as_written) override {
    return scalar(Kind::kScalar, as_written);
  }
  bool string(string_t& value) override { return scalar(Kind::kScalar, std::move(value)); }
  bool binary(binary_t&) override { return true; }  // JSON text has no binary values

  bool start_object(std::size_t) override { return open(Kind::kMap); }
  bool key(string_t& name) override {
    if (skipped_depth_ == 0) {
      key_ = std::move(name);
      key_line_ = currentLine();
    }
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(Kind::kList); }
  bool end_array() override { return close(); }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::json::exception& error) override {
    // position counts the characters read, the offending one included.
    const std::size_t offending = position > 0 ? std::min(position - 1, size_) : 0;
    std::size_t line = 1;
    for (std::size_t i = 0; i < offending; ++i) line += begin_[i] == '\n' ? 1 : 0;
    // "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error ...":
    // keep what went wrong; the line is ours (nlohmann counts a newline as the next line's).
    std::string reason = error.what();
    const auto detail = reason.find(": ", reason.find("parse error"));
    if (detail != std::string::npos) reason.erase(0, detail + 2);
    document_ = {};
    document_.error = "not valid JSON: " + reason;
    document_.error_line = line;
    return false;
  }

 private:
  std::size_t currentLine() {
    const char* last_read = *read_to_ > begin_ ? *read_to_ - 1 : begin_;
    for (; counted_to_ < last_read; ++counted_to_) line_ += *counted_to_ == '\n' ? 1 : 0;
    return line_;
  }

  // Where the next value goes, or nullptr when it is nested too deep to keep.
  ImportNode* place() {
    if (stack_.empty()) return &document_.root;
    ImportNode* parent = stack_.back();
    if (parent->kind == Kind::kList) return &parent->elements.emplace_back();
    parent->entries.push_back({std::move(key_), true, key_line_, {}});
    return &parent->entries.back().value;
  }

  bool scalar(Kind kind, std::string text) {
    if (skipped_depth_ > 0) return true;
    ImportNode* node = place();
    node->kind = kind;
    node->line = currentLine();
    node->text = std::move(text);
    return true;
  }

  bool open(Kind kind) {
    if (skipped_depth_ > 0) {
      ++skipped_depth_;
      return true;
    }
    ImportNode* node = place();
    node->kind = kind;
    node->line = currentLine();
    // Pointers on the stack stay valid: only the innermost open container grows.
    if (stack_.size() >= kImportDepthKept) {
      skipped_depth_ = 1;
    } else {
      stack_.push_back(node);
    }
    return true;
  }

  bool close() {
    if (skipped_depth_ > 0) {
      --skipped_depth_;
    } else {
      stack_.pop_back();
    }
    return true;
  }

  const char* begin_;
  std::size_t size_;
  const char* const* read_to_;
  const char* counted_to_;
  std::size_t line_ = 1;  // the line of *counted_to_
  ImportDocument document_;
  std::vector<ImportNode*> stack_;  // open containers being kept
  std::size_t skipped_depth_ = 0;   // open containers nested too deep to keep
  std::string key_;
  std::size_t key_line_ = 0;
};

bool isJsonWhiteSpace(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

ImportDocument readYamlDocument(std::string_view text) {
  ImportDocument document;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(withoutByteOrderMark(text)));
  } catch (const YAML::Exception& e) {
    document.error = "not valid YAML: " + e.msg;
    document.error_line = lineOf(e.mark);
    return document;
  }
  document.root = fromYaml(root, 0);
  return document;
}

ImportDocument readJsonDocument(std::string_view text) {
  text = withoutByteOrderMark(text);
  if (isJsonWhiteSpace(text)) return {};  // an empty file is reported as one, not as bad JSON
  const char* read_to = text.data();
  NodeBuilder builder(text, &read_to);
  nlohmann::json::sax_parse(TrackingIterator(text.data(), &read_to),
                            TrackingIterator(text.data() + text.size(), &read_to), &builder);
  return builder.take();
}

}  // namespace gateway::mwl
