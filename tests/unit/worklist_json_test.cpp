#include "services/mwl/worklist_json.h"

#include <gtest/gtest.h>

#include "services/mwl/worklist_import.h"
#include "services/mwl/worklist_table.h"

namespace gateway::mwl {
namespace {

TEST(WorklistJson, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(jsonString(""), "\"\"");
  EXPECT_EQ(jsonString("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(jsonString("C:\\dir"), "\"C:\\\\dir\"");
  EXPECT_EQ(jsonString("a\nb\tc\rd\be\ff"), "\"a\\nb\\tc\\rd\\be\\ff\"");
  EXPECT_EQ(jsonString(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(jsonString(std::string("nul\0x", 5)), "\"nul\\u0000x\"");
  EXPECT_EQ(jsonString("a/b\x7f"), "\"a/b\x7f\"");  // neither needs escaping
}

TEST(WorklistJson, PassesUtf8ThroughAndReplacesInvalidBytes) {
  EXPECT_EQ(jsonString("ZO\xC3\x8B^ANNA"), "\"ZO\xC3\x8B^ANNA\"");
  EXPECT_EQ(jsonString("\xE5\xB1\xB1\xE7\x94\xB0"), "\"\xE5\xB1\xB1\xE7\x94\xB0\"");  // 山田
  EXPECT_EQ(jsonString("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");   // outside the BMP
  EXPECT_EQ(jsonString("\xE9t\xE9"), "\"\\ufffdt\\ufffd\"");           // Latin-1, not UTF-8
  EXPECT_EQ(jsonString("\xC0\xAF"), "\"\\ufffd\\ufffd\"");             // overlong '/'
  EXPECT_EQ(jsonString("\xED\xA0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate
  EXPECT_EQ(jsonString("end\xE5\xB1"), "\"end\\ufffd\\ufffd\"");       // cut short
}

WorklistItem sampleItem() {
  WorklistItem item;
  item.accession_number = "A1";
  item.patient_id = "P1";
  item.patient_name = "O\"BRIEN^ZO\xC3\x8B";
  item.patient_birth_date = "19700101";
  item.scheduled_date = "20260302";
  item.scheduled_time = "083000";
  item.modality = "MG";
  item.study_description = "both \\ sides";
  item.study_instance_uid = "1.2.3";
  item.created_at = "2026-03-01 10:00:00";
  return item;
}

TEST(WorklistJson, WritesEveryFieldByItsTableName) {
  const std::string json = toJson(sampleItem());
  for (const auto& field : worklistFields()) {
    EXPECT_NE(json.find("\"" + std::string(field.name) + "\":"), std::string::npos) << field.name;
  }
  EXPECT_EQ(json.rfind("{\"accession_number\":\"A1\",\"patient_id\":\"P1\",", 0), 0u) << json;
  EXPECT_EQ(toJson(std::vector<WorklistItem>{}), "[]\n");
}

TEST(WorklistJson, ImportsAgainAsTheSameItems) {
  const std::vector<WorklistItem> items = {sampleItem()};
  const auto again = parseWorklist(toJson(items), ImportFormat::kJson);
  ASSERT_TRUE(again.ok()) << again.errors[0].toString();
  ASSERT_EQ(again.items.size(), 1u);
  for (const auto& field : worklistFields()) {
    if (!field.writable) continue;  // created_at/updated_at are the database's
    EXPECT_EQ(again.items[0].item.*(field.member), items[0].*(field.member)) << field.name;
  }
}

TEST(WorklistTable, ShowsOneAlignedRowPerItem) {
  auto second = sampleItem();
  second.accession_number = "ACC-0002";
  second.patient_name = "DOE^JANE";
  second.scheduled_time = "0915";
  second.scheduled_station_aet = "MAMMO1";
  second.status = kInProgress;
  const std::string table = toTable({sampleItem(), second});
  EXPECT_NE(table.find("ACCESSION  SCHEDULED         MODALITY  STATION  PATIENT ID"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("A1         2026-03-02 08:30  MG        -        P1"), std::string::npos)
      << table;
  EXPECT_NE(table.find("ACC-0002   2026-03-02 09:15  MG        MAMMO1   P1"), std::string::npos)
      << table;
  // Aligned by characters: the name with Ë pads like an 11-character name.
  EXPECT_NE(table.find("O\"BRIEN^ZO\xC3\x8B   SCHEDULED    both"), std::string::npos) << table;
  EXPECT_NE(table.find("DOE^JANE      IN PROGRESS  both"), std::string::npos) << table;
  EXPECT_NE(table.find("2 items\n"), std::string::npos);
  EXPECT_EQ(toTable({}), "no worklist items\n");
}

}  // namespace
}  // namespace gateway::mwl
