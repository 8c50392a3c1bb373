#include "services/mwl/worklist_import.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>

#include "common/config/value_parsers.h"
#include "services/mwl/csv_reader.h"
#include "services/mwl/import_document.h"
#include "services/mwl/worklist_validation.h"

namespace gateway::mwl {
namespace {

// An item as read, with where it came from, before validation.
struct ParsedItem {
  WorklistItem item;
  std::size_t number = 0;
  std::size_t line = 0;
  std::map<std::string, std::size_t> field_lines;  // YAML/JSON: the line of each value
  std::set<std::string> reported_fields;  // already in an error: validation stays quiet on them
  bool study_uid_generated = false;
};

struct ParsedFile {
  std::vector<ParsedItem> items;  // only items whose structure could be read
  std::vector<ImportError> errors;
};

// Looks a file's field name up; records an error (and returns nullptr) for unknown names.
// created_at/updated_at are known but not writable: the caller ignores them.
const WorklistField* lookUpField(const std::string& name, std::size_t item, std::size_t line,
                                 std::vector<ImportError>& errors) {
  const WorklistField* field = findWorklistField(name);
  if (field == nullptr) errors.push_back({item, line, "", unknownFieldMessage(name)});
  return field;
}

ParsedFile parseCsvFile(std::string_view text) {
  ParsedFile out;
  const CsvParse csv = parseCsv(text);
  if (!csv.error.empty()) {
    out.errors.push_back({0, csv.error_line, "", csv.error});
    return out;
  }
  if (csv.records.empty()) {
    out.errors.push_back({0, 0, "", "the file is empty: expected a header row of field names"});
    return out;
  }
  const CsvRecord& header = csv.records.front();
  if (header.cells.size() == 1 && header.cells[0].find_first_of(";\t") != std::string::npos) {
    // Spreadsheets in some locales save "CSV" with semicolons; say so instead of naming a
    // field "accession_number;patient_id;...".
    out.errors.push_back({0, header.line, "",
                          "the header has no commas: save the file as comma-separated CSV "
                          "(not separated by semicolons or tabs)"});
    return out;
  }
  std::vector<const WorklistField*> columns;
  std::map<std::string, std::size_t> seen;  // field name -> 1-based column
  for (std::size_t c = 0; c < header.cells.size(); ++c) {
    const std::string name = config::trim(header.cells[c]);
    const WorklistField* field = nullptr;
    if (name.empty()) {
      out.errors.push_back(
          {0, header.line, "", "column " + std::to_string(c + 1) + " of the header has no name"});
    } else if (const auto [it, inserted] = seen.emplace(name, c + 1); !inserted) {
      out.errors.push_back({0, header.line, name,
                            "is given twice in the header (columns " + std::to_string(it->second) +
                                " and " + std::to_string(c + 1) + ")"});
    } else {
      field = lookUpField(name, 0, header.line, out.errors);
    }
    columns.push_back(field != nullptr && field->writable ? field : nullptr);
  }
  if (!out.errors.empty()) return out;  // rows cannot be read against a broken header

  std::size_t number = 0;
  for (std::size_t r = 1; r < csv.records.size(); ++r) {
    const CsvRecord& record = csv.records[r];
    const bool blank =
        std::all_of(record.cells.begin(), record.cells.end(),
                    [](const std::string& cell) { return config::trim(cell).empty(); });
    if (blank) continue;  // spreadsheets export trailing rows of empty cells
    ++number;
    if (record.cells.size() != columns.size()) {
      out.errors.push_back({number, record.line, "",
                            "has " + std::to_string(record.cells.size()) +
                                " values, the header has " + std::to_string(columns.size()) +
                                " (a value holding a comma must be in double quotes)"});
      continue;
    }
    ParsedItem parsed;
    parsed.number = number;
    parsed.line = record.line;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (columns[c] != nullptr) parsed.item.*(columns[c]->member) = record.cells[c];
    }
    out.items.push_back(std::move(parsed));
  }
  return out;
}

ImportEntry* findEntry(ImportNode& map, std::string_view key) {
  for (auto& entry : map.entries) {
    if (entry.key_is_text && entry.key == key) return &entry;
  }
  return nullptr;
}

// YAML and JSON files: the document's structure is checked here, once for both formats.
ParsedFile parseDocumentFile(std::string_view text, ImportFormat format) {
  ParsedFile out;
  const bool json = format == ImportFormat::kJson;
  ImportDocument document = json ? readJsonDocument(text) : readYamlDocument(text);
  if (!document.error.empty()) {
    out.errors.push_back({0, document.error_line, "", std::move(document.error)});
    return out;
  }
  ImportNode& root = document.root;
  const std::string expected = json
                                   ? "expected a list of objects, or an object {\"items\": [...]}"
                                   : "expected a list of mappings, or a mapping with the key items";
  if (root.kind == ImportNode::Kind::kNull) {
    out.errors.push_back({0, 0, "", "the file is empty: " + expected});
    return out;
  }
  ImportNode* list = &root;
  if (root.kind == ImportNode::Kind::kMap) {
    ImportEntry* items = findEntry(root, "items");
    if (items == nullptr) {
      const bool looks_like_item = findEntry(root, "accession_number") != nullptr ||
                                   findEntry(root, "patient_id") != nullptr;
      out.errors.push_back(
          {0, root.line, "",
           (looks_like_item ? "the top level is a single item: " : "") + expected});
      return out;
    }
    for (const auto& entry : root.entries) {
      if (entry.key != "items") {
        out.errors.push_back(
            {0, entry.key_line, "", "unknown top-level key '" + entry.key + "': " + expected});
      }
    }
    list = &items->value;
  }
  if (list->kind == ImportNode::Kind::kNull) return out;  // `items:` with nothing under it
  if (list->kind != ImportNode::Kind::kList) {
    out.errors.push_back({0, list->line, "", expected});
    return out;
  }

  std::size_t number = 0;
  for (ImportNode& node : list->elements) {
    ++number;
    // Each item's nodes are released once it is read: an import of 100,000 items does not
    // hold the file's structure and its items at once.
    const ImportNode element = std::exchange(node, {});
    if (element.kind != ImportNode::Kind::kMap) {
      out.errors.push_back({number, element.line, "",
                            json ? "is not an object of field names and values"
                                 : "is not a mapping of field names to values"});
      continue;
    }
    ParsedItem parsed;
    parsed.number = number;
    parsed.line = element.line;
    for (const auto& entry : element.entries) {
      if (!entry.key_is_text) {
        out.errors.push_back({number, entry.key_line, "", "a field name must be plain text"});
        continue;
      }
      const std::string& name = entry.key;
      const WorklistField* field = lookUpField(name, number, entry.key_line, out.errors);
      if (field == nullptr) continue;
      if (!parsed.field_lines.emplace(name, entry.key_line).second) {
        out.errors.push_back({number, entry.key_line, name, "is given twice"});
        parsed.reported_fields.insert(name);
        continue;
      }
      if (!field->writable) continue;  // set by the database; present in list --json output
      const ImportNode& value = entry.value;
      if (value.kind == ImportNode::Kind::kNull) continue;
      if (value.kind != ImportNode::Kind::kScalar) {
        out.errors.push_back(
            {number, entry.key_line, name, "must be a single value, not a list or mapping"});
        parsed.reported_fields.insert(name);
        continue;
      }
      parsed.item.*(field->member) = value.text;
    }
    out.items.push_back(std::move(parsed));
  }
  return out;
}

ParsedFile parseFile(std::string_view text, ImportFormat format) {
  return format == ImportFormat::kCsv ? parseCsvFile(text) : parseDocumentFile(text, format);
}

std::string lower(std::string value) {
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return value;
}

WorklistImport toImport(ParsedFile parsed) {
  WorklistImport out;
  for (auto& p : parsed.items) {
    out.items.push_back({std::move(p.item), p.number, p.line, p.study_uid_generated});
  }
  out.errors = std::move(parsed.errors);
  out.sortErrors();
  return out;
}

}  // namespace

std::optional<ImportFormat> parseImportFormat(const std::string& name) {
  const std::string n = lower(name);
  if (n == "yaml" || n == "yml") return ImportFormat::kYaml;
  if (n == "json") return ImportFormat::kJson;
  if (n == "csv") return ImportFormat::kCsv;
  return std::nullopt;
}

std::optional<ImportFormat> importFormatFromPath(const std::filesystem::path& file) {
  const std::string extension = file.extension().string();
  if (extension.size() < 2) return std::nullopt;
  return parseImportFormat(extension.substr(1));
}

std::string ImportError::toString() const {
  std::string where;
  if (item > 0) where = "item " + std::to_string(item);
  if (line > 0) {
    where += item > 0 ? " (line " + std::to_string(line) + ")" : "line " + std::to_string(line);
  }
  std::string out = where.empty() ? "" : where + ": ";
  if (field.empty()) return out + message;
  // "patient_name is required", "patient_birth_date: '1990' is not a date YYYYMMDD"
  return out + field + (message.rfind("is ", 0) == 0 ? " " : ": ") + message;
}

std::vector<WorklistItem> WorklistImport::worklistItems() const {
  std::vector<WorklistItem> out;
  out.reserve(items.size());
  for (const auto& imported : items) out.push_back(imported.item);
  return out;
}

void WorklistImport::sortErrors() {
  std::stable_sort(errors.begin(), errors.end(),
                   [](const ImportError& a, const ImportError& b) { return a.item < b.item; });
}

std::string unknownFieldMessage(const std::string& name) {
  std::string message = "unknown field '" + name + "'";
  std::string guess = lower(name);
  std::replace(guess.begin(), guess.end(), '-', '_');
  std::replace(guess.begin(), guess.end(), ' ', '_');
  if (guess != name && findWorklistField(guess) != nullptr) {
    message += " (did you mean " + guess + "?)";
  }
  return message;
}

WorklistImport parseWorklist(std::string_view text, ImportFormat format) {
  return toImport(parseFile(text, format));
}

WorklistImport prepareWorklistImport(std::string_view text, ImportFormat format) {
  ParsedFile parsed = parseFile(text, format);
  struct FirstSeen {
    std::size_t number;
    std::size_t line;
  };
  std::map<std::string, FirstSeen> accessions;
  std::map<std::string, FirstSeen> study_uids;
  for (auto& p : parsed.items) {
    auto lineOfField = [&p](const std::string& field) {
      const auto it = p.field_lines.find(field);
      return it == p.field_lines.end() ? p.line : it->second;
    };
    const std::string given_uid = config::trim(p.item.study_instance_uid);
    p.study_uid_generated = given_uid.empty();
    for (auto& error : validateAndComplete(p.item)) {
      if (p.reported_fields.count(error.field) != 0) continue;
      parsed.errors.push_back(
          {p.number, lineOfField(error.field), error.field, std::move(error.message)});
    }
    auto checkUnique = [&](std::map<std::string, FirstSeen>& seen, const char* field,
                           const std::string& value) {
      if (value.empty()) return;
      const auto [it, inserted] = seen.emplace(value, FirstSeen{p.number, p.line});
      if (inserted) return;
      std::string first = "item " + std::to_string(it->second.number);
      if (it->second.line > 0) first += " (line " + std::to_string(it->second.line) + ")";
      parsed.errors.push_back(
          {p.number, lineOfField(field), field, "'" + value + "' is also given in " + first});
    };
    checkUnique(accessions, "accession_number", p.item.accession_number);
    checkUnique(study_uids, "study_instance_uid", given_uid);
  }
  return toImport(std::move(parsed));
}

}  // namespace gateway::mwl
