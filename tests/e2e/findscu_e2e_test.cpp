// The worklist as a modality sees it: items fed through `worklist import`, queried with
// DCMTK's findscu in worklist mode (-W) against the built binary.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <set>

#include "tests/e2e/gateway_process.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

class FindscuE2e : public ::testing::Test {
 protected:
  FindscuE2e() : mwl_port_(freePort()) {
    env_ = {{"PACS_PORT", std::to_string(freePort())},
            {"MWL_PORT", std::to_string(mwl_port_)},
            {"PACS_STORAGE_PATH", (dir_ / "storage").string()},
            {"PACS_DB_PATH", (dir_ / "pacs.db").string()},
            {"MWL_DB_PATH", (dir_ / "worklist.db").string()},
            {"GATEWAY_SHUTDOWN_TIMEOUT", "5"}};
  }

  // Writes a worklist query file for findscu: the keys a mammography modality sends.
  std::filesystem::path writeQuery(const std::string& patient_name, const std::string& charset) {
    DcmFileFormat format;
    DcmDataset* q = format.getDataset();
    if (!charset.empty()) q->putAndInsertString(DCM_SpecificCharacterSet, charset.c_str());
    q->putAndInsertString(DCM_PatientName, patient_name.c_str());
    q->insertEmptyElement(DCM_PatientID);
    q->insertEmptyElement(DCM_AccessionNumber);
    q->insertEmptyElement(DCM_StudyInstanceUID);
    DcmItem* step = nullptr;
    q->findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, step, -2);
    step->putAndInsertString(DCM_Modality, "MG");
    step->putAndInsertString(DCM_ScheduledProcedureStepStartDate, "20261128");
    step->insertEmptyElement(DCM_ScheduledProcedureStepStartTime);
    step->insertEmptyElement(DCM_ScheduledStationAETitle);
    const auto path = dir_ / ("query" + std::to_string(++queries_) + ".dcm");
    EXPECT_TRUE(format.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
    return path;
  }

  // Runs findscu -W and returns the response datasets it wrote (-X).
  std::vector<std::unique_ptr<DcmFileFormat>> findscu(const std::filesystem::path& query) {
    const auto out = dir_ / ("responses" + std::to_string(queries_));
    std::filesystem::create_directories(out);
    const int rc = runProgram({"findscu", "-W", "-aet", "MAMMO1", "-aec", "MWL_SCP", "-X", "-od",
                               out.string(), "127.0.0.1", std::to_string(mwl_port_),
                               query.string()},
                              std::chrono::seconds(30), (dir_ / "findscu.log").string());
    EXPECT_EQ(rc, 0) << readFileBytes(dir_ / "findscu.log");
    std::vector<std::unique_ptr<DcmFileFormat>> responses;
    std::set<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(out)) files.insert(entry.path());
    for (const auto& file : files) {
      auto format = std::make_unique<DcmFileFormat>();
      EXPECT_TRUE(format->loadFile(file.c_str()).good());
      responses.push_back(std::move(format));
    }
    return responses;
  }

  TempDir dir_;
  std::uint16_t mwl_port_;
  Env env_;
  int queries_ = 0;
};

std::string text(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

TEST_F(FindscuE2e, ReturnsItemsImportedFromCsvWhileServing) {
  GatewayProcess gateway({"serve"}, env_, dir_ / "gateway.log");
  ASSERT_TRUE(gateway.waitForLog("ready", std::chrono::seconds(20))) << gateway.log();

  // Imported while the server runs: the next query sees them.
  const auto csv = dir_ / "today.csv";
  std::ofstream(csv) << "accession_number,patient_id,patient_name,patient_birth_date,patient_sex,"
                        "scheduled_date,scheduled_time,modality,scheduled_station_aet,"
                        "study_description\n"
                        "ACC-1,P-1,MÜLLER^JÜRGEN,19700101,F,20261128,083000,MG,MAMMO1,Screening\n"
                        "ACC-2,P-2,\"O'BRIEN^SIÂN\",19650203,F,20261128,091500,MG,MAMMO1,Screening\n"
                        "ACC-3,P-3,SMITH^ANNA,19800304,F,20261129,083000,MG,MAMMO1,Screening\n";
  const auto [import_code, import_out] = runGateway({"worklist", "import", csv.string()}, env_);
  ASSERT_EQ(import_code, 0) << import_out;

  auto all = findscu(writeQuery("", ""));
  ASSERT_EQ(all.size(), 2u);  // today's MG items only
  std::set<std::string> accessions;
  for (auto& r : all) {
    accessions.insert(text(*r->getDataset(), DCM_AccessionNumber));
    EXPECT_FALSE(text(*r->getDataset(), DCM_StudyInstanceUID).empty());  // generated
  }
  EXPECT_EQ(accessions, (std::set<std::string>{"ACC-1", "ACC-2"}));

  // A UTF-8 query for a non-ASCII name, answered in UTF-8.
  auto mueller = findscu(writeQuery("müller*", "ISO_IR 192"));
  ASSERT_EQ(mueller.size(), 1u);
  EXPECT_EQ(text(*mueller[0]->getDataset(), DCM_PatientName), "MÜLLER^JÜRGEN");
  EXPECT_EQ(text(*mueller[0]->getDataset(), DCM_SpecificCharacterSet), "ISO_IR 192");

  EXPECT_EQ(gateway.stop(SIGTERM, std::chrono::seconds(15)), 0);
  const std::string log = gateway.log();
  EXPECT_NE(log.find("query id="), std::string::npos);
  EXPECT_EQ(log.find("MÜLLER"), std::string::npos);  // names masked in INFO logs
  EXPECT_EQ(log.find("P-1"), std::string::npos);
}

}  // namespace
}  // namespace gateway::test
