#include "services/mwl/worklist_json.h"

#include <gtest/gtest.h>

#include "services/mwl/worklist_import.h"
#include "services/mwl/worklist_table.h"

namespace gateway::mwl {
namespace {

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

TEST(WorklistJson, WritesOneObjectPerLineAndEscapesValues) {
  // Escaping itself is json_writer_test's; here: the worklist's values go through it.
  auto second = sampleItem();
  second.accession_number = "A2";
  const std::string json = toJson(std::vector<WorklistItem>{sampleItem(), second});
  EXPECT_EQ(json, "[\n  " + toJson(sampleItem()) + ",\n  " + toJson(second) + "\n]\n");
  EXPECT_NE(json.find("\"patient_name\":\"O\\\"BRIEN^ZO\xC3\x8B\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"study_description\":\"both \\\\ sides\""), std::string::npos) << json;
}

TEST(WorklistJson, WritesBytesThatAreNotUtf8AsReplacementCharacters) {
  auto item = sampleItem();
  item.patient_name = "M\xDCLLER^J\xDCRGEN";  // Latin-1 that reached the database
  const std::string json = toJson(item);
  EXPECT_NE(json.find("\"patient_name\":\"M\xEF\xBF\xBDLLER^J\xEF\xBF\xBDRGEN\""),
            std::string::npos)
      << json;
  const auto again = parseWorklist(toJson(std::vector<WorklistItem>{item}), ImportFormat::kJson);
  ASSERT_TRUE(again.ok()) << again.errors[0].toString();  // still valid JSON
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
