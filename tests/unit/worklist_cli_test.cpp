// The `worklist` command line: options per action, help generated from the field table, and
// `worklist add` messages naming flags.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "services/mwl/worklist_item.h"
#include "services/supervisor/command_line.h"
#include "services/supervisor/commands.h"

namespace gateway::supervisor {
namespace {

ParseResult parse(const std::vector<std::string>& args) { return parseCommandLine(args, {}); }

const std::vector<std::string> kRequired = {"worklist",
                                            "add",
                                            "--accession-number",
                                            "A1",
                                            "--patient-id",
                                            "P1",
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

std::vector<std::string> withRequired(std::vector<std::string> more) {
  std::vector<std::string> args = kRequired;
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST(WorklistCommandLine, AddTakesOneFlagPerWritableField) {
  std::vector<std::string> args = {"worklist", "add", "--replace"};
  for (const auto& field : mwl::worklistFields()) {
    if (field.writable) {
      args.push_back(fieldFlag(field.name));
      args.push_back(std::string("v-") + field.name);
    }
  }
  const auto r = parse(args);
  ASSERT_TRUE(r.error.empty()) << r.error;
  const auto& wl = r.command_line.worklist;
  EXPECT_EQ(wl.action, "add");
  EXPECT_TRUE(wl.replace);
  ASSERT_EQ(wl.fields.size(), args.size() / 2 - 1);  // every writable field, in order
  EXPECT_EQ(wl.fields[0],
            (std::pair<std::string, std::string>("accession_number", "v-accession_number")));
  EXPECT_EQ(fieldFlag("scheduled_station_aet"), "--scheduled-station-aet");
  EXPECT_NE(parse({"worklist", "add", "--created-at", "x"}).error.find("unknown option"),
            std::string::npos);
}

TEST(WorklistCommandLine, AddRejectsRepeatsArgumentsAndForeignOptions) {
  EXPECT_NE(parse(withRequired({"--patient-id", "P2"})).error.find("--patient-id is given twice"),
            std::string::npos);
  EXPECT_NE(parse(withRequired({"extra"})).error.find("unexpected argument 'extra'"),
            std::string::npos);
  EXPECT_NE(parse(withRequired({"--json"})).error.find("--json is not an option of worklist add"),
            std::string::npos);
  EXPECT_NE(parse(withRequired({"--date", "20260302"})).error.find("not an option of worklist add"),
            std::string::npos);
  EXPECT_NE(parse(withRequired({"--replace=yes"})).error.find("takes no value"), std::string::npos);
  // Settings still work after the action.
  const auto r = parse(withRequired({"--mwl-db-path", "/tmp/w.db"}));
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.command_line.sources.flags.at(0).first, "--mwl-db-path");
}

TEST(WorklistCommandLine, ImportTakesAFileAFormatAndReplace) {
  const auto r = parse({"worklist", "import", "day.txt", "--format=CSV", "--replace"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.command_line.worklist.file, "day.txt");
  EXPECT_EQ(r.command_line.worklist.format, mwl::ImportFormat::kCsv);
  EXPECT_TRUE(r.command_line.worklist.replace);
  EXPECT_FALSE(parse({"worklist", "import", "day.csv"}).command_line.worklist.format);
  EXPECT_NE(parse({"worklist", "import"}).error.find("needs one FILE"), std::string::npos);
  EXPECT_NE(parse({"worklist", "import", "a.csv", "b.csv"}).error.find("needs one FILE"),
            std::string::npos);
  EXPECT_NE(parse({"worklist", "import", "a", "--format", "xml"}).error.find("yaml, json or csv"),
            std::string::npos);
}

TEST(WorklistCommandLine, ListFiltersByDateRangeAndStatus) {
  auto r = parse({"worklist", "list", "--date", "20260302", "--json"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.command_line.worklist.date_from, "20260302");
  EXPECT_EQ(r.command_line.worklist.date_to, "20260302");
  EXPECT_TRUE(r.command_line.worklist.json);

  r = parse({"worklist", "list", "--from", "20260301", "--to=20260331", "--status",
             "scheduled,in-progress", "--status", "COMPLETED", "--status", "In_Progress"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.command_line.worklist.date_from, "20260301");
  EXPECT_EQ(r.command_line.worklist.date_to, "20260331");
  EXPECT_EQ(r.command_line.worklist.statuses,
            (std::vector<std::string>{"SCHEDULED", "IN PROGRESS", "COMPLETED"}));
  EXPECT_TRUE(parse({"worklist", "list", "--to", "20260331"}).error.empty());

  EXPECT_NE(parse({"worklist", "list", "--date", "20260230"}).error.find("--date: '20260230'"),
            std::string::npos);
  EXPECT_NE(parse({"worklist", "list", "--date", "20260301", "--to", "20260302"})
                .error.find("cannot be combined"),
            std::string::npos);
  EXPECT_NE(
      parse({"worklist", "list", "--from", "20260302", "--to", "20260301"}).error.find("is after"),
      std::string::npos);
  EXPECT_NE(parse({"worklist", "list", "--status", "SCHEDULED,done"}).error.find("'done'"),
            std::string::npos);
}

TEST(WorklistCommandLine, RemoveTakesOneAccessionNumber) {
  const auto r = parse({"worklist", "remove", "A1"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.command_line.worklist.accession_number, "A1");
  EXPECT_NE(parse({"worklist", "remove"}).error.find("needs one ACCESSION"), std::string::npos);
  EXPECT_NE(parse({"worklist", "remove", "A1", "--replace"}).error.find("not an option"),
            std::string::npos);
}

TEST(WorklistCommandLine, NeedsAKnownActionAndKeepsItsOptionsToItself) {
  EXPECT_NE(parse({"worklist"}).error.find("needs an action"), std::string::npos);
  EXPECT_NE(parse({"worklist", "purge"}).error.find("unknown worklist action 'purge'"),
            std::string::npos);
  EXPECT_NE(parse({"serve", "--replace"}).error.find("option of the worklist command"),
            std::string::npos);
  EXPECT_NE(parse({"verify-storage", "--patient-id", "P1"}).error.find("worklist"),
            std::string::npos);
}

TEST(WorklistCommandLine, HelpIsPerActionAndListsEveryField) {
  auto r = parse({"worklist", "--help"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(helpTopic(r.command_line), "worklist");
  r = parse({"worklist", "import", "--help"});  // no FILE needed for help
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(helpTopic(r.command_line), "worklist import");
  EXPECT_EQ(helpTopic(parse({"--help"}).command_line), "");

  const std::string add = commandHelp("worklist add");
  const std::string import = commandHelp("worklist import");
  for (const auto& field : mwl::worklistFields()) {
    if (!field.writable) continue;
    EXPECT_NE(add.find(fieldFlag(field.name)), std::string::npos) << field.name;
    EXPECT_NE(import.find(field.name), std::string::npos) << field.name;
  }
  EXPECT_NE(commandHelp("worklist").find("remove"), std::string::npos);
  EXPECT_NE(commandHelp("worklist list").find("--status"), std::string::npos);
  EXPECT_NE(commandHelp("worklist remove").find("ACCESSION"), std::string::npos);
  EXPECT_NE(usageText().find("worklist"), std::string::npos);
}

TEST(WorklistCommandLine, ReadmeDocumentsEveryField) {
  std::ifstream in(GATEWAY_SOURCE_DIR "/README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  ASSERT_FALSE(readme.str().empty());
  for (const auto& field : mwl::worklistFields()) {
    if (!field.writable) continue;
    EXPECT_NE(readme.str().find("`" + std::string(field.name) + "`"), std::string::npos)
        << field.name << " is missing from the README's worklist fields";
  }
}

TEST(WorklistAdd, NamesTheFlagOfEveryProblem) {
  auto r = parse({"worklist", "add", "--accession-number", "A1", "--patient-id", "P1",
                  "--patient-birth-date", "1970", "--scheduled-date", "20260302",
                  "--scheduled-time", "0830", "--modality", "MG", "--patient-sex", "X"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  mwl::WorklistItem item;
  const auto problems = worklistItemFromFlags(r.command_line.worklist, item);
  const auto has = [&problems](const std::string& text) {
    return std::find(problems.begin(), problems.end(), text) != problems.end();
  };
  EXPECT_TRUE(has("--patient-name is required"));
  EXPECT_TRUE(has("--patient-birth-date: '1970' is not a date YYYYMMDD"));
  EXPECT_TRUE(has("--patient-sex: 'X' is not M, F or O"));
  EXPECT_EQ(problems.size(), 3u);
}

TEST(WorklistAdd, CompletesAValidItem) {
  const auto r = parse(withRequired({"--study-description", "Screening"}));
  ASSERT_TRUE(r.error.empty()) << r.error;
  mwl::WorklistItem item;
  EXPECT_TRUE(worklistItemFromFlags(r.command_line.worklist, item).empty());
  EXPECT_EQ(item.patient_name, "DOE^JANE");
  EXPECT_EQ(item.scheduled_step_description, "Screening");
  EXPECT_EQ(item.study_instance_uid.rfind("2.25.", 0), 0u);
}

}  // namespace
}  // namespace gateway::supervisor
