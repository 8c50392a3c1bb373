#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::mwl {

// One CSV record and the 1-based line it starts on (a quoted value may span lines).
struct CsvRecord {
  std::size_t line = 0;
  std::vector<std::string> cells;
};

struct CsvParse {
  std::vector<CsvRecord> records;
  std::string error;  // non-empty: the text is not valid CSV (records are then incomplete)
  std::size_t error_line = 0;
};

// Reads RFC 4180 CSV: comma-separated; a value in double quotes may hold commas, line breaks
// and doubled quotes (""). Records end with CRLF or LF; a UTF-8 byte order mark at the start
// is skipped; bytes are otherwise passed through unchanged (UTF-8 in, UTF-8 out). Empty lines
// are skipped. Errors: a quote left open at the end of the text, or text after a closing
// quote (`"a"b`); a quote inside an unquoted value is kept literally (`O"Brien`).
CsvParse parseCsv(std::string_view text);

}  // namespace gateway::mwl
