#include "services/mwl/worklist_table.h"

#include <algorithm>
#include <array>

#include "common/text/utf8.h"

namespace gateway::mwl {
namespace {

constexpr std::size_t kColumns = 8;

std::size_t characterCount(const std::string& value) { return text::countCodePoints(value); }

// 20260302 + 083000 -> "2026-03-02 08:30"; seconds only when not zero.
std::string scheduled(const WorklistItem& item) {
  const std::string& d = item.scheduled_date;
  std::string out =
      d.size() == 8 ? d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2) : d;
  const std::string t = item.scheduled_time.substr(0, item.scheduled_time.find('.'));
  if (t.size() >= 2) {
    out += " " + t.substr(0, 2) + ":" + (t.size() >= 4 ? t.substr(2, 2) : "00");
    if (t.size() >= 6 && t.substr(4, 2) != "00") out += ":" + t.substr(4, 2);
  }
  return out;
}

std::string orDash(const std::string& value) { return value.empty() ? "-" : value; }

}  // namespace

std::string toTable(const std::vector<WorklistItem>& items) {
  if (items.empty()) return "no worklist items\n";
  using Row = std::array<std::string, kColumns>;
  std::vector<Row> rows;
  rows.push_back({"ACCESSION", "SCHEDULED", "MODALITY", "STATION", "PATIENT ID", "PATIENT NAME",
                  "STATUS", "DESCRIPTION"});
  for (const auto& item : items) {
    const std::string& description =
        item.study_description.empty() ? item.scheduled_step_description : item.study_description;
    rows.push_back({item.accession_number, scheduled(item), item.modality,
                    orDash(item.scheduled_station_aet), item.patient_id, item.patient_name,
                    item.status, orDash(description)});
  }
  std::array<std::size_t, kColumns> widths{};
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < kColumns; ++c) {
      widths[c] = std::max(widths[c], characterCount(row[c]));
    }
  }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < kColumns; ++c) {
      out += row[c];
      if (c + 1 == kColumns) break;  // the last column is not padded
      out.append(widths[c] - characterCount(row[c]) + 2, ' ');
    }
    out += '\n';
  }
  out += std::to_string(items.size()) + (items.size() == 1 ? " item\n" : " items\n");
  return out;
}

}  // namespace gateway::mwl
