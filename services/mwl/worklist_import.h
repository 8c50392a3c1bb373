#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/mwl/worklist_item.h"

namespace gateway::mwl {

// The formats `worklist import` reads (import_document.h reads YAML and JSON).
enum class ImportFormat { kYaml, kJson, kCsv };

// "yaml" (or "yml"), "json", "csv"; nullopt for anything else.
std::optional<ImportFormat> parseImportFormat(const std::string& name);
// From the file name's extension (.yaml, .yml, .json, .csv, any case); nullopt if unknown.
std::optional<ImportFormat> importFormatFromPath(const std::filesystem::path& file);

// One problem with an import file, located as precisely as the format allows.
struct ImportError {
  std::size_t item = 0;  // 1-based item (CSV: data row) number; 0: not about one item
  std::size_t line = 0;  // 1-based line in the file; 0: unknown
  std::string field;     // field name as in the file; empty: the item or file as a whole
  std::string message;

  // "item 2 (line 3): patient_birth_date: '1990' is not a date YYYYMMDD"
  std::string toString() const;
};

// An item read from the file and where it was.
struct ImportedItem {
  WorklistItem item;
  std::size_t number = 0;            // 1-based item (CSV: data row) number
  std::size_t line = 0;              // the line it starts on; 0: unknown
  bool study_uid_generated = false;  // prepareWorklistImport generated study_instance_uid
};

struct WorklistImport {
  std::vector<ImportedItem> items;  // the items whose structure could be read
  std::vector<ImportError> errors;  // ordered by item, file-level problems first
  bool ok() const { return errors.empty(); }
  std::vector<WorklistItem> worklistItems() const;
  // File-level problems first, then by item: the order a person reads the file in.
  void sortErrors();
};

// Reads items without validating them. Field names are those of worklistFields(); fields
// that are not writable (created_at, updated_at, ...) are accepted and ignored, so
// `worklist list --json` output can be imported again. Unknown or repeated fields are errors;
// values are taken as text.
//  - CSV: a header row of field names, then one item per row (csv_reader.h for quoting);
//    an empty cell is an empty value; rows whose cells are all empty are skipped.
//  - YAML / JSON: a list of mappings, or a mapping whose only key `items` holds that list;
//    null values are empty.
WorklistImport parseWorklist(std::string_view text, ImportFormat format);

// parseWorklist, then validateAndComplete on every item (errors name item, line and field),
// then checks that no accession number or Study Instance UID appears twice in the file.
// Every problem in the file is reported; the items may be written only when ok(), by
// WorklistFeed::import, which also compares them with the stored items.
WorklistImport prepareWorklistImport(std::string_view text, ImportFormat format);

// "unknown field 'patient-id' (did you mean patient_id?)" and the like.
std::string unknownFieldMessage(const std::string& name);

}  // namespace gateway::mwl
