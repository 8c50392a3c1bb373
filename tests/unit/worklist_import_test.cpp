#include "services/mwl/worklist_import.h"

#include <gtest/gtest.h>

#include "tests/support/worklist_fixtures.h"

namespace gateway::mwl {
namespace {

const char* const kHeader =
    "accession_number,patient_id,patient_name,patient_birth_date,scheduled_date,scheduled_time,"
    "modality,study_description\n";

std::string joinErrors(const WorklistImport& import) {
  std::string out;
  for (const auto& e : import.errors) out += e.toString() + "\n";
  return out;
}

TEST(WorklistImportFormat, ComesFromTheNameOrTheExtension) {
  EXPECT_EQ(parseImportFormat("YAML"), ImportFormat::kYaml);
  EXPECT_EQ(parseImportFormat("yml"), ImportFormat::kYaml);
  EXPECT_EQ(parseImportFormat("json"), ImportFormat::kJson);
  EXPECT_EQ(parseImportFormat("csv"), ImportFormat::kCsv);
  EXPECT_FALSE(parseImportFormat("xml"));
  EXPECT_EQ(importFormatFromPath("/in/today.CSV"), ImportFormat::kCsv);
  EXPECT_EQ(importFormatFromPath("day.yml"), ImportFormat::kYaml);
  EXPECT_EQ(importFormatFromPath("day.json"), ImportFormat::kJson);
  EXPECT_FALSE(importFormatFromPath("day.txt"));
  EXPECT_FALSE(importFormatFromPath("csv"));
}

TEST(WorklistImportCsv, ReadsQuotedValuesBomAndEmptyCells) {
  const std::string text = std::string("\xEF\xBB\xBF") + kHeader +
                           "A1,P1,\"DOE^JANE\",19700101,20260302,0830,MG,\"Screening, both "
                           "sides\"\r\n"
                           "A2,P2,\"O\"\"BRIEN^ANN\",19700102,20260302,0840,MG,\r\n"
                           ",,,,,,,\r\n";  // a spreadsheet's trailing empty row
  const auto import = prepareWorklistImport(text, ImportFormat::kCsv);
  ASSERT_TRUE(import.ok()) << joinErrors(import);
  ASSERT_EQ(import.items.size(), 2u);
  EXPECT_EQ(import.items[0].item.patient_name, "DOE^JANE");
  EXPECT_EQ(import.items[0].item.study_description, "Screening, both sides");
  EXPECT_EQ(import.items[0].line, 2u);
  EXPECT_EQ(import.items[1].item.patient_name, "O\"BRIEN^ANN");
  EXPECT_EQ(import.items[1].item.study_description, "");
  EXPECT_EQ(import.items[1].number, 2u);
  // Completed as validateAndComplete does.
  EXPECT_EQ(import.items[0].item.requested_procedure_id, "A1");
  EXPECT_EQ(import.items[0].item.status, kScheduled);
  EXPECT_TRUE(import.items[0].study_uid_generated);
  EXPECT_EQ(import.items[0].item.study_instance_uid.rfind("2.25.", 0), 0u);
}

TEST(WorklistImportCsv, NamesTheItemLineAndFieldOfEveryProblem) {
  const std::string text = std::string(kHeader) +
                           "A1,P1,DOE^JANE,19700101,20260302,0830,MG,\n"
                           "A2,P2,\"multi\nline^NAME\",1970,20260302,0830,MG,\n"  // lines 3-4
                           "A3,P3,ROE^RITA,19700101,20260302,2500,mg,\n"          // line 5
                           "A1,P4,POE^EVE,19700101,20260302,0900,MG,\n";          // line 6
  const auto import = prepareWorklistImport(text, ImportFormat::kCsv);
  EXPECT_FALSE(import.ok());
  EXPECT_TRUE(test::hasImportError(import, 2, 3, "patient_birth_date", "not a date"))
      << joinErrors(import);
  EXPECT_TRUE(test::hasImportError(import, 2, 3, "patient_name", "control character"))
      << joinErrors(import);
  EXPECT_TRUE(test::hasImportError(import, 3, 5, "scheduled_time", "not a time"))
      << joinErrors(import);
  EXPECT_TRUE(test::hasImportError(import, 3, 5, "modality", "A-Z")) << joinErrors(import);
  EXPECT_TRUE(
      test::hasImportError(import, 4, 6, "accession_number", "also given in item 1 (line 2)"))
      << joinErrors(import);
  EXPECT_EQ(import.errors.size(), 5u) << joinErrors(import);
  EXPECT_NE(joinErrors(import).find(
                "item 2 (line 3): patient_birth_date: '1970' is not a date YYYYMMDD\n"),
            std::string::npos);
}

TEST(WorklistImportCsv, RejectsUnknownAndRepeatedHeaderFields) {
  const auto import = prepareWorklistImport(
      "accession_number,patient-id,colour,accession_number\nA1,P1,red,A1\n", ImportFormat::kCsv);
  EXPECT_TRUE(test::hasImportError(import, 0, 1, "",
                                   "unknown field 'patient-id' (did you mean patient_id?)"))
      << joinErrors(import);
  EXPECT_TRUE(test::hasImportError(import, 0, 1, "", "unknown field 'colour'"))
      << joinErrors(import);
  EXPECT_TRUE(test::hasImportError(import, 0, 1, "accession_number", "given twice in the header"))
      << joinErrors(import);
  EXPECT_TRUE(import.items.empty());
}

TEST(WorklistImportCsv, SaysSoWhenValuesAreSeparatedBySemicolons) {
  const auto import = prepareWorklistImport(
      "accession_number;patient_id;patient_name\nA1;P1;DOE^JANE\n", ImportFormat::kCsv);
  ASSERT_EQ(import.errors.size(), 1u) << joinErrors(import);
  EXPECT_NE(import.errors[0].toString().find("line 1: the header has no commas"), std::string::npos)
      << joinErrors(import);
}

TEST(WorklistImportCsv, RejectsRowsWithTheWrongNumberOfValues) {
  const std::string text = std::string(kHeader) +
                           "A1,P1,DOE^JANE,19700101,20260302,0830,MG,Screening, bilateral\n" +
                           "A2,P2,ROE^RITA,19700101,20260302,0830,MG\n";
  const auto import = prepareWorklistImport(text, ImportFormat::kCsv);
  EXPECT_TRUE(test::hasImportError(import, 1, 2, "", "has 9 values, the header has 8"))
      << joinErrors(import);
  EXPECT_TRUE(test::hasImportError(import, 2, 3, "", "has 7 values")) << joinErrors(import);
}

TEST(WorklistImportCsv, ReportsBrokenQuotingAndAnEmptyFile) {
  const auto open = prepareWorklistImport(std::string(kHeader) + "A1,\"P1\n", ImportFormat::kCsv);
  EXPECT_TRUE(test::hasImportError(open, 0, 2, "", "never closed")) << joinErrors(open);
  const auto empty = prepareWorklistImport("", ImportFormat::kCsv);
  EXPECT_TRUE(test::hasImportError(empty, 0, 0, "", "empty")) << joinErrors(empty);
  const auto header_only = prepareWorklistImport(kHeader, ImportFormat::kCsv);
  EXPECT_TRUE(header_only.ok());
  EXPECT_TRUE(header_only.items.empty());
}

TEST(WorklistImportCsv, IgnoresTheDatabaseTimestamps) {
  const auto import = prepareWorklistImport(
      "accession_number,patient_id,patient_name,patient_birth_date,scheduled_date,scheduled_time,"
      "modality,created_at,updated_at\nA1,P1,DOE^JANE,19700101,20260302,0830,MG,2026-01-01 "
      "00:00:00,x\n",
      ImportFormat::kCsv);
  ASSERT_TRUE(import.ok()) << joinErrors(import);
  EXPECT_EQ(import.items[0].item.created_at, "");
}

TEST(WorklistImportYaml, ReadsAListOrAnItemsMapping) {
  const std::string item =
      "- accession_number: A1\n"
      "  patient_id: \"00123\"\n"
      "  patient_name: DOE^JANE\n"
      "  patient_birth_date: 19700101\n"
      "  scheduled_date: 20260302\n"
      "  scheduled_time: 083000\n"
      "  modality: MG\n"
      "  patient_sex: ~\n";
  std::string indented;  // the same list under `items:`
  for (std::size_t start = 0; start < item.size();) {
    const std::size_t end = item.find('\n', start) + 1;
    indented += "  " + item.substr(start, end - start);
    start = end;
  }
  for (const std::string& text : {item, "items:\n" + indented}) {
    auto import = prepareWorklistImport(text, ImportFormat::kYaml);
    ASSERT_TRUE(import.ok()) << joinErrors(import);
    ASSERT_EQ(import.items.size(), 1u);
    EXPECT_EQ(import.items[0].item.patient_id, "00123");
    EXPECT_EQ(import.items[0].item.scheduled_time, "083000");  // the text, not the number
    EXPECT_EQ(import.items[0].item.patient_sex, "");
  }
  const auto empty_items = prepareWorklistImport("items: []\n", ImportFormat::kYaml);
  EXPECT_TRUE(empty_items.ok());
  EXPECT_TRUE(empty_items.items.empty());
}

TEST(WorklistImportYaml, NamesItemLineAndFieldAndReportsEverything) {
  const std::string text =
      "- accession_number: A1\n"          // line 1
      "  patient_id: P1\n"                // line 2
      "  patient_name: DOE^JANE\n"        // line 3
      "  patient_birth_date: 19700101\n"  // line 4
      "  scheduled_date: 20260302\n"      // line 5
      "  scheduled_time: 0830\n"          // line 6
      "  modality: MG\n"                  // line 7
      "  patient-sex: F\n"                // line 8
      "- accession_number: A2\n"          // line 9
      "  patient_id: [P2]\n"              // line 10
      "  patient_name: ROE^RITA\n"        // line 11
      "  patient_birth_date: 19701301\n"  // line 12
      "  scheduled_date: 20260302\n"      // line 13
      "  scheduled_time: 0830\n"          // line 14
      "  modality: MG\n"                  // line 15
      "- just text\n";                    // line 16
  const auto import = prepareWorklistImport(text, ImportFormat::kYaml);
  EXPECT_TRUE(test::hasImportError(import, 1, 8, "",
                                   "unknown field 'patient-sex' (did you mean patient_sex?)"))
      << joinErrors(import);
  EXPECT_TRUE(test::hasImportError(import, 2, 10, "patient_id", "single value"))
      << joinErrors(import);
  EXPECT_TRUE(test::hasImportError(import, 2, 12, "patient_birth_date", "not a date"))
      << joinErrors(import);
  EXPECT_TRUE(test::hasImportError(import, 3, 16, "", "not a mapping")) << joinErrors(import);
  EXPECT_EQ(import.errors.size(), 4u) << joinErrors(import);  // no "patient_id is required"
}

TEST(WorklistImportYaml, ReportsSyntaxErrorsAndWrongShapes) {
  const auto broken = prepareWorklistImport("- a: [1, 2\n- b\n", ImportFormat::kYaml);
  ASSERT_EQ(broken.errors.size(), 1u);
  EXPECT_NE(broken.errors[0].message.find("not valid YAML"), std::string::npos);
  EXPECT_GT(broken.errors[0].line, 0u);
  const auto single = prepareWorklistImport("accession_number: A1\n", ImportFormat::kYaml);
  EXPECT_TRUE(test::hasImportError(single, 0, 1, "", "single item")) << joinErrors(single);
  const auto extra = prepareWorklistImport("items: []\nversion: 2\n", ImportFormat::kYaml);
  EXPECT_TRUE(test::hasImportError(extra, 0, 2, "", "unknown top-level key 'version'"))
      << joinErrors(extra);
  EXPECT_FALSE(prepareWorklistImport("", ImportFormat::kYaml).ok());
  EXPECT_FALSE(prepareWorklistImport("42\n", ImportFormat::kYaml).ok());
}

TEST(WorklistImportJson, ReadsAListOfObjectsWithEscapesAndNumbers) {
  const std::string text =
      "[\n"
      "  {\"accession_number\": \"A1\", \"patient_id\": \"P1\", \"patient_name\": "
      "\"ZO\\u00cb^ANNA\",\n"
      "   \"patient_birth_date\": 19700101, \"scheduled_date\": \"20260302\",\n"
      "   \"scheduled_time\": \"0830\", \"modality\": \"MG\", \"study_description\": "
      "\"a \\\"b\\\" \\/ c\",\n"
      "   \"referring_physician\": null}\n"
      "]\n";
  const auto import = prepareWorklistImport(text, ImportFormat::kJson);
  ASSERT_TRUE(import.ok()) << joinErrors(import);
  ASSERT_EQ(import.items.size(), 1u);
  EXPECT_EQ(import.items[0].item.patient_name, "ZO\xC3\x8B^ANNA");
  EXPECT_EQ(import.items[0].item.patient_birth_date, "19700101");
  EXPECT_EQ(import.items[0].item.study_description, "a \"b\" / c");
  EXPECT_EQ(import.items[0].line, 2u);
}

TEST(WorklistImportJson, NamesTheItemOfEachProblem) {
  const std::string text =
      "[{\"accession_number\": \"A1\", \"patient_id\": \"P1\", \"patient_name\": \"X^Y\",\n"
      "  \"patient_birth_date\": \"19700101\", \"scheduled_date\": \"20260302\",\n"
      "  \"scheduled_time\": \"0830\", \"modality\": \"MG\", \"study_instance_uid\": \"1.2.3\"},\n"
      " {\"accession_number\": \"A2\", \"patient_id\": \"P2\", \"patient_name\": \"X^Y\",\n"
      "  \"patient_birth_date\": \"19700101\", \"scheduled_date\": \"20260302\",\n"
      "  \"scheduled_time\": \"0830\", \"study_instance_uid\": \"1.2.3\"},\n"
      " \"text\"]\n";
  const auto import = prepareWorklistImport(text, ImportFormat::kJson);
  EXPECT_TRUE(test::hasImportError(import, 2, 4, "modality", "required")) << joinErrors(import);
  EXPECT_TRUE(test::hasImportError(import, 2, 6, "study_instance_uid", "also given in item 1"))
      << joinErrors(import);
  EXPECT_TRUE(test::hasImportError(import, 3, 7, "", "not an object")) << joinErrors(import);
  EXPECT_EQ(import.errors[0].toString(), "item 2 (line 4): modality is required");
  const auto broken = prepareWorklistImport("[{\"a\": \"open]\n", ImportFormat::kJson);
  ASSERT_EQ(broken.errors.size(), 1u);
  EXPECT_NE(broken.errors[0].message.find("not valid JSON"), std::string::npos);
}

TEST(WorklistImportJson, ReportsRepeatedFieldsWrongShapesAndAnEmptyFile) {
  const std::string text =
      "{\"items\": [\n"
      "  {\"accession_number\": \"A1\",\n"
      "   \"accession_number\": \"A2\",\n"          // line 3
      "   \"patient_id\": {\"nested\": [1, 2]},\n"  // line 4
      "   \"patient_name\": 1.5e3, \"patient_sex\": true}\n"
      "], \"version\": 2}\n";  // line 6
  const auto import = parseWorklist(text, ImportFormat::kJson);
  EXPECT_TRUE(test::hasImportError(import, 1, 3, "accession_number", "is given twice")) << joinErrors(import);
  EXPECT_TRUE(test::hasImportError(import, 1, 4, "patient_id", "single value")) << joinErrors(import);
  EXPECT_TRUE(test::hasImportError(import, 0, 6, "", "unknown top-level key 'version'")) << joinErrors(import);
  ASSERT_EQ(import.items.size(), 1u);
  EXPECT_EQ(import.items[0].item.patient_name, "1.5e3");  // numbers as written
  EXPECT_EQ(import.items[0].item.patient_sex, "true");
  for (const char* empty : {"", " \n\t", "\xEF\xBB\xBF\n", "null"}) {
    const auto none = parseWorklist(empty, ImportFormat::kJson);
    ASSERT_EQ(none.errors.size(), 1u) << empty;
    EXPECT_NE(none.errors[0].message.find("the file is empty"), std::string::npos) << empty;
  }
  const auto single = parseWorklist("\n{\"accession_number\": \"A1\"}", ImportFormat::kJson);
  EXPECT_TRUE(test::hasImportError(single, 0, 2, "", "single item")) << joinErrors(single);
}

TEST(WorklistImportJson, NamesTheLineOfASyntaxError) {
  const auto missing_comma =
      parseWorklist("[\n  {\"accession_number\": \"A1\"}\n  {\"accession_number\": \"A2\"}\n]\n",
                    ImportFormat::kJson);
  ASSERT_EQ(missing_comma.errors.size(), 1u);
  EXPECT_EQ(missing_comma.errors[0].line, 3u);
  EXPECT_EQ(missing_comma.errors[0].toString().rfind("line 3: not valid JSON: syntax error", 0), 0u)
      << missing_comma.errors[0].toString();
  // JSON text is UTF-8: a Latin-1 file is refused where its first such byte is.
  const auto latin1 = parseWorklist("[\n{\"patient_name\": \"M\xDCLLER\"}]", ImportFormat::kJson);
  ASSERT_EQ(latin1.errors.size(), 1u);
  EXPECT_EQ(latin1.errors[0].line, 2u);
  EXPECT_NE(latin1.errors[0].message.find("UTF-8"), std::string::npos) << latin1.errors[0].message;
}

TEST(WorklistImportJson, StaysShallowForDeeplyNestedInput) {
  // Nesting far beyond what an import needs is reported, without using memory or stack for
  // the levels below a field's value.
  const std::string deep =
      "[{\"patient_id\": " + std::string(200000, '[') + std::string(200000, ']') + "}]";
  const auto import = parseWorklist(deep, ImportFormat::kJson);
  EXPECT_TRUE(test::hasImportError(import, 1, 1, "patient_id", "single value")) << joinErrors(import);
  const auto yaml = parseWorklist("- patient_id: [[[[[[1]]]]]]\n", ImportFormat::kYaml);
  EXPECT_TRUE(test::hasImportError(yaml, 1, 1, "patient_id", "single value")) << joinErrors(yaml);
}

TEST(WorklistImport, RefusesTextThatIsNotUtf8) {
  // A CSV saved as Latin-1: the worklist answers in UTF-8, so the value would be garbage.
  const auto import = prepareWorklistImport(
      std::string(kHeader) + "A1,P1,M\xDCLLER^ANNA,19700101,20260302,0830,MG,\n",
      ImportFormat::kCsv);
  EXPECT_TRUE(test::hasImportError(import, 1, 2, "patient_name", "not valid UTF-8")) << joinErrors(import);
  const auto overlong =
      prepareWorklistImport(std::string(kHeader) +
                                "A1,P1,DOE^JANE,19700101,20260302,0830,MG,a\xC0\xAF"
                                "b\n",
                            ImportFormat::kCsv);
  EXPECT_TRUE(test::hasImportError(overlong, 1, 2, "study_description", "not valid UTF-8"))
      << joinErrors(overlong);
}


}  // namespace
}  // namespace gateway::mwl
