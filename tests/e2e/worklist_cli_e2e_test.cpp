// The `worklist` admin commands as an operator runs them: the built binary, a worklist
// database in a temporary folder (MWL_DB_PATH), files to import, and the exit codes.
#include <gtest/gtest.h>

#include <fstream>
#include <tuple>

#include "services/mwl/worklist_import.h"
#include "tests/e2e/gateway_process.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {
namespace {

const char* const kCsvHeader =
    "accession_number,patient_id,patient_name,patient_birth_date,patient_sex,scheduled_date,"
    "scheduled_time,modality,scheduled_station_aet,study_description\n";

class WorklistCliE2e : public ::testing::Test {
 protected:
  // The database's folder does not exist yet: the commands create it.
  WorklistCliE2e() : env_{{"MWL_DB_PATH", (dir_ / "db" / "worklist.db").string()}} {}

  std::pair<int, std::string> worklist(std::vector<std::string> args) {
    args.insert(args.begin(), "worklist");
    return runGateway(args, env_);
  }

  std::vector<std::string> addArgs(const std::string& accession) {
    return {"add",
            "--accession-number",
            accession,
            "--patient-id",
            "PID-" + accession,
            "--patient-name",
            "DOE^JANE",
            "--patient-birth-date",
            "19700101",
            "--scheduled-date",
            "20260302",
            "--scheduled-time",
            "0830",
            "--modality",
            "MG"};
  }

  // `worklist list --json`, read back into items (the output must be valid JSON).
  std::vector<mwl::WorklistItem> listJson(std::vector<std::string> filters = {}) {
    filters.insert(filters.begin(), {"list", "--json"});
    const auto [code, out] = worklist(filters);
    EXPECT_EQ(code, 0) << out;
    const auto parsed = mwl::parseWorklist(out, mwl::ImportFormat::kJson);
    EXPECT_TRUE(parsed.ok()) << out;
    std::vector<mwl::WorklistItem> items;
    for (const auto& imported : parsed.items) items.push_back(imported.item);
    return items;
  }

  std::filesystem::path write(const std::string& name, const std::string& content) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  TempDir dir_;
  std::vector<std::pair<std::string, std::string>> env_;
};

TEST_F(WorklistCliE2e, AddPrintsTheAccessionAndTheGeneratedStudyUid) {
  auto args = addArgs("A1");
  args.insert(args.end(),
              {"--scheduled-station-aet", "MAMMO1", "--study-description", "Screening, bilateral"});
  const auto [code, out] = worklist(args);
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(out.rfind("added A1 study_instance_uid=2.25.", 0), 0u) << out;
  EXPECT_EQ(out.find('\n'), out.size() - 1) << "one line: " << out;

  const auto items = listJson();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].accession_number, "A1");
  EXPECT_EQ(items[0].scheduled_station_aet, "MAMMO1");
  EXPECT_EQ(items[0].scheduled_step_description, "Screening, bilateral");
  EXPECT_NE(out.find(items[0].study_instance_uid), std::string::npos);
  const std::string json = worklist({"list", "--json"}).second;
  EXPECT_NE(json.find("\"created_at\":\"20"), std::string::npos) << json;  // the database's

  const auto [list_code, table] = worklist({"list"});
  EXPECT_EQ(list_code, 0);
  EXPECT_NE(table.find("2026-03-02 08:30  MG        MAMMO1   PID-A1      DOE^JANE"),
            std::string::npos)
      << table;
}

TEST_F(WorklistCliE2e, AddWithoutARequiredFieldExits2NamingItsFlag) {
  auto args = addArgs("A1");
  args.resize(args.size() - 4);  // drops --scheduled-time and --modality
  args.insert(args.end(), {"--patient-birth-date=1970"});
  const auto [code, out] = worklist(args);
  EXPECT_EQ(code, 2) << out;  // --patient-birth-date given twice: a usage error
  EXPECT_NE(out.find("--patient-birth-date is given twice"), std::string::npos) << out;

  args.pop_back();
  const auto [missing_code, missing_out] = worklist(args);
  EXPECT_EQ(missing_code, 2) << missing_out;
  EXPECT_NE(missing_out.find("--scheduled-time is required"), std::string::npos) << missing_out;
  EXPECT_NE(missing_out.find("--modality is required"), std::string::npos) << missing_out;
  EXPECT_TRUE(listJson().empty());
}

TEST_F(WorklistCliE2e, AddOfADuplicateAccessionExits1UnlessReplace) {
  ASSERT_EQ(worklist(addArgs("A1")).first, 0);
  const std::string uid = listJson().at(0).study_instance_uid;

  auto again = addArgs("A1");
  again[6] = "ROE^RITA";  // --patient-name
  const auto [code, out] = worklist(again);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("A1 is already on the worklist"), std::string::npos) << out;
  EXPECT_EQ(listJson().at(0).patient_name, "DOE^JANE");

  again.push_back("--replace");
  const auto [replace_code, replace_out] = worklist(again);
  EXPECT_EQ(replace_code, 0) << replace_out;
  EXPECT_EQ(replace_out, "replaced A1 study_instance_uid=" + uid + "\n");
  const auto items = listJson();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].patient_name, "ROE^RITA");
  EXPECT_EQ(items[0].study_instance_uid, uid);  // the appointment keeps its study
}

TEST_F(WorklistCliE2e, ImportsACsvOfThreeRowsAndListsThemAsJson) {
  const auto csv = write("today.csv", std::string("\xEF\xBB\xBF") + kCsvHeader +
                                          "A1,P1,\"O'NEILL^MARY \"\"MOLLY\"\"\",19650412,F,"
                                          "20260302,0830,MG,MAMMO1,\"Screening, bilateral\"\r\n"
                                          "A2,P2,M\xC3\x9CLLER^ZO\xC3\x8B,19711203,F,20260302,0845,"
                                          "MG,MAMMO1,\r\n"
                                          "A3,P3,SMITH^JANE,19580930,,20260303,0900,MG,,\r\n");
  const auto [code, out] = worklist({"import", csv.string()});
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(out, "imported 3 worklist items from " + csv.string() + "\n");

  const auto items = listJson();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].patient_name, "O'NEILL^MARY \"MOLLY\"");
  EXPECT_EQ(items[0].study_description, "Screening, bilateral");
  EXPECT_EQ(items[1].patient_name, "M\xC3\x9CLLER^ZO\xC3\x8B");
  EXPECT_EQ(items[2].patient_sex, "");
  EXPECT_EQ(items[2].scheduled_date, "20260303");
  for (const auto& item : items) EXPECT_EQ(item.status, "SCHEDULED");

  EXPECT_EQ(listJson({"--date", "20260303"}).size(), 1u);
  EXPECT_EQ(listJson({"--from", "20260301", "--to", "20260302"}).size(), 2u);
  EXPECT_EQ(listJson({"--status", "completed,discontinued"}).size(), 0u);
  EXPECT_EQ(listJson({"--status", "scheduled"}).size(), 3u);
}

TEST_F(WorklistCliE2e, ImportOfAFileWithOneBadRowImportsNothing) {
  const auto csv = write("today.csv", std::string(kCsvHeader) +
                                          "A1,P1,DOE^JANE,19650412,F,20260302,0830,MG,,\n"
                                          "A2,P2,ROE^RITA,1971-12-03,F,20260302,0845,MG,,\n"
                                          "A3,P3,POE^EVE,19580930,F,20260302,0900,MG,,\n");
  const auto [code, out] = worklist({"import", csv.string()});
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("1 problem, nothing imported"), std::string::npos) << out;
  EXPECT_NE(out.find("item 2 (line 3): patient_birth_date: '1971-12-03' is not a date YYYYMMDD"),
            std::string::npos)
      << out;
  EXPECT_TRUE(listJson().empty());
}

TEST_F(WorklistCliE2e, ImportReportsEveryProblemAndStoredAccessions) {
  ASSERT_EQ(worklist(addArgs("A1")).first, 0);
  const auto yaml = write("today.yaml",
                          "items:\n"
                          "  - accession_number: A1\n"
                          "    patient_id: P1\n"
                          "    patient_name: DOE^JANE\n"
                          "    patient_birth_date: 19650412\n"
                          "    scheduled_date: 20260302\n"
                          "    scheduled_time: 0830\n"
                          "    modality: MG\n"
                          "  - accession_number: A2\n"
                          "    patient_id: P2\n"
                          "    patient_name: ROE^RITA\n"
                          "    birth_date: 19711203\n"
                          "    scheduled_date: 20260302\n"
                          "    scheduled_time: 0845\n"
                          "    modality: MG\n");
  const auto [code, out] = worklist({"import", yaml.string()});
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("item 1 (line 2): accession_number: 'A1' is already on the worklist"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("item 2 (line 12): unknown field 'birth_date'"), std::string::npos) << out;
  EXPECT_NE(out.find("item 2 (line 9): patient_birth_date is required"), std::string::npos) << out;
  EXPECT_EQ(listJson().size(), 1u);
}

TEST_F(WorklistCliE2e, ImportsYamlAndJsonAndReplacesOnRequest) {
  const auto yaml = write("day.yml",
                          "- accession_number: Y1\n"
                          "  patient_id: \"00123\"\n"
                          "  patient_name: SMITH^ANN\n"
                          "  patient_birth_date: 19650505\n"
                          "  scheduled_date: 20260302\n"
                          "  scheduled_time: 090000\n"
                          "  modality: MG\n");
  auto [code, out] = worklist({"import", yaml.string()});
  ASSERT_EQ(code, 0) << out;
  const auto json = write("export.txt", worklist({"list", "--json"}).second);
  std::tie(code, out) = worklist({"import", json.string()});
  EXPECT_EQ(code, 2) << out;  // .txt: the format must be named
  EXPECT_NE(out.find("--format"), std::string::npos) << out;
  std::tie(code, out) = worklist({"import", json.string(), "--format", "json"});
  EXPECT_EQ(code, 1) << out;  // Y1 is there already
  std::tie(code, out) = worklist({"import", json.string(), "--format", "json", "--replace"});
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("imported 1 worklist item from"), std::string::npos) << out;
  EXPECT_NE(out.find("(1 replaced)"), std::string::npos) << out;
  const auto items = listJson();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].patient_id, "00123");
  EXPECT_EQ(items[0].scheduled_time, "090000");
}

TEST_F(WorklistCliE2e, ImportsTheExampleCsv) {
  const std::string example = GATEWAY_SOURCE_DIR "/config/worklist.example.csv";
  const auto [code, out] = worklist({"import", example});
  ASSERT_EQ(code, 0) << out;
  const auto items = listJson();
  ASSERT_GE(items.size(), 3u);
  for (const auto& item : items) {
    EXPECT_FALSE(item.study_instance_uid.empty());
    EXPECT_EQ(item.modality, "MG");
  }
}

TEST_F(WorklistCliE2e, RemoveExits0WhenRemovedAnd1WhenAbsent) {
  ASSERT_EQ(worklist(addArgs("A1")).first, 0);
  ASSERT_EQ(worklist(addArgs("A2")).first, 0);
  auto [code, out] = worklist({"remove", "A1"});
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(out, "removed A1\n");
  std::tie(code, out) = worklist({"remove", "A1"});
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("no worklist item has accession number A1"), std::string::npos) << out;
  const auto items = listJson();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].accession_number, "A2");
}

TEST_F(WorklistCliE2e, HelpDescribesTheCommandAndEachAction) {
  auto [code, out] = runGateway({"--help"}, env_);
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find("worklist"), std::string::npos) << out;
  std::tie(code, out) = worklist({"--help"});
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find("import"), std::string::npos) << out;
  for (const char* action : {"add", "import", "list", "remove"}) {
    std::tie(code, out) = worklist({action, "--help"});
    EXPECT_EQ(code, 0) << action;
    EXPECT_EQ(out.rfind(std::string("Usage: screening-gateway worklist ") + action, 0), 0u) << out;
  }
  std::tie(code, out) = worklist({});
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("needs an action"), std::string::npos) << out;
}

}  // namespace
}  // namespace gateway::test
