#include "services/mwl/csv_reader.h"

namespace gateway::mwl {

CsvParse parseCsv(std::string_view text) {
  CsvParse result;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  std::size_t line = 1;  // the line the reader is on
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto atLineEnd = [&](std::size_t at) {
    return text[at] == '\n' || (text[at] == '\r' && at + 1 < n && text[at + 1] == '\n');
  };
  // Skips the line break at `i` (LF or CRLF).
  auto skipLineEnd = [&] {
    i += text[i] == '\r' ? 2u : 1u;
    ++line;
  };

  while (i < n) {
    if (atLineEnd(i)) {  // an empty line: no record
      skipLineEnd();
      continue;
    }
    CsvRecord record;
    record.line = line;
    while (true) {  // one cell per iteration
      std::string cell;
      if (i < n && text[i] == '"') {
        const std::size_t opened_on = line;
        ++i;
        bool closed = false;
        while (i < n) {
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              cell += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          cell += c;
          ++i;
        }
        if (!closed) {
          result.error =
              "a quoted value opened on line " + std::to_string(opened_on) + " is never closed";
          result.error_line = opened_on;
          return result;
        }
        if (i < n && text[i] != ',' && !atLineEnd(i)) {
          result.error =
              "unexpected text after a closing quote (a quote inside a quoted value "
              "is written as \"\")";
          result.error_line = line;
          return result;
        }
      } else {
        while (i < n && text[i] != ',' && !atLineEnd(i)) cell += text[i++];
      }
      record.cells.push_back(std::move(cell));
      if (i < n && text[i] == ',') {
        ++i;
        continue;  // another cell follows, possibly empty at the end of the line
      }
      break;  // end of the line or of the text
    }
    result.records.push_back(std::move(record));
    if (i < n) skipLineEnd();
  }
  return result;
}

}  // namespace gateway::mwl
