// C-MOVE, C-GET and Storage Commitment against the built binary, by the tools reading
// workstations, archives and modalities use: DCMTK's movescu (to a storescp started here) and
// getscu, GDCM's gdcmscu --move, and Orthanc (the gateway as its DICOM modality, the gateway
// knowing Orthanc) retrieving a study and asking for storage commitment over its REST API.
// What arrives is compared byte for byte with what the gateway stored.
#include <SQLiteCpp/SQLiteCpp.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/e2e/gateway_process.h"
#include "tests/e2e/orthanc_process.h"
#include "tests/support/child_process.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace gateway::test {
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;
constexpr const char* kMgClass = "1.2.840.10008.5.1.4.1.1.1.2";

std::string text(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

struct IndexRow {
  std::string storage_path;
  std::string status;
};

// The line of `log` holding `needle`, empty if none.
std::string logLine(const std::string& log, const std::string& needle) {
  const auto at = log.find(needle);
  if (at == std::string::npos) return "";
  const auto start = log.rfind('\n', at);
  const auto begin = start == std::string::npos ? 0 : start + 1;
  return log.substr(begin, log.find('\n', at) - begin);
}

// Polls `done` every 100 ms, at most `limit`.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::seconds limit) {
  return test::eventually(done, limit, std::chrono::milliseconds(100));
}

class RetrieveE2e : public ::testing::Test {
 protected:
  RetrieveE2e() : port_(freePort()), storescp_port_(freePort()), orthanc_dicom_port_(freePort()) {
    // Who may retrieve and where to: the workstation (movescu, getscu), the storescp
    // destination, gdcmscu (its own title is its move destination: storescp here), Orthanc.
    const std::string storescp = std::to_string(storescp_port_);
    std::ofstream(dir_ / "known_aes.yaml")
        << "- ae_title: WORKSTATION\n  addresses: [127.0.0.1]\n  host: 127.0.0.1\n  port: "
        << storescp << "\n- ae_title: DEST\n  host: 127.0.0.1\n  port: " << storescp
        << "\n- ae_title: GDCM_MOVE\n  host: 127.0.0.1\n  port: " << storescp
        << "\n- ae_title: ORTHANC_E2E\n  addresses: [127.0.0.1]\n  host: 127.0.0.1\n  port: "
        << orthanc_dicom_port_ << "\n";
    env_ = {{"PACS_PORT", std::to_string(port_)},
            {"MWL_PORT", std::to_string(freePort())},
            {"PACS_STORAGE_PATH", (dir_ / "storage").string()},
            {"PACS_DB_PATH", (dir_ / "pacs.db").string()},
            {"MWL_DB_PATH", (dir_ / "worklist.db").string()},
            {"GATEWAY_KNOWN_AES_FILE", (dir_ / "known_aes.yaml").string()},
            {"GATEWAY_SHUTDOWN_TIMEOUT", "5"}};
    startGateway();
    storeStudy(3);
  }

  ~RetrieveE2e() override {
    if (gateway_) {
      EXPECT_EQ(gateway_->stop(SIGTERM, std::chrono::seconds(15)), 0);
    }
  }

  void startGateway() {
    gateway_ = std::make_unique<GatewayProcess>(
        std::vector<std::string>{"serve"}, env_,
        dir_ / ("gateway" + std::to_string(++gateway_runs_) + ".log"));
    ASSERT_TRUE(gateway_->waitForLog("ready", std::chrono::seconds(20))) << gateway_->log();
  }

  // One study of `count` MG objects, written as Part 10 files and sent with storescu.
  void storeStudy(int count) {
    study_uid_ = newUid();
    const std::string series_uid = newUid();
    std::vector<std::string> argv = {"storescu", "-aec", "SCREENING_PACS", "127.0.0.1",
                                     std::to_string(port_)};
    for (int i = 0; i < count; ++i) {
      ObjectSpec spec;
      spec.patient_id = "PID-R1";
      spec.patient_name = "DOE^ANNA";
      spec.accession_number = "ACC-R1";
      auto ds = makeObject(spec);
      ds->putAndInsertString(DCM_StudyInstanceUID, study_uid_.c_str());
      ds->putAndInsertString(DCM_SeriesInstanceUID, series_uid.c_str());
      ds->putAndInsertString(DCM_InstanceNumber, std::to_string(i + 1).c_str());
      instance_uids_.push_back(text(*ds, DCM_SOPInstanceUID));
      const auto path = dir_ / (instance_uids_.back() + ".dcm");
      DcmFileFormat format(ds.get());
      ASSERT_TRUE(format.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
      argv.push_back(path.string());
    }
    ASSERT_EQ(runProgram(argv, std::chrono::seconds(60), (dir_ / "storescu.log").string()), 0)
        << readFileBytes(dir_ / "storescu.log");
  }

  IndexRow indexRow(const std::string& sop_instance_uid) {
    SQLite::Database db((dir_ / "pacs.db").string(), SQLite::OPEN_READONLY);
    SQLite::Statement s(db,
                        "SELECT storage_path, status FROM stored_instances WHERE "
                        "sop_instance_uid = ?");
    s.bind(1, sop_instance_uid);
    if (!s.executeStep()) return {};
    return {s.getColumn(0).getString(), s.getColumn(1).getString()};
  }

  std::filesystem::path storedFile(const std::string& sop_instance_uid) {
    return dir_ / "storage" / indexRow(sop_instance_uid).storage_path;
  }

  // The dataset bytes (after the meta header) of every Part 10 file in `directory`, by SOP
  // Instance UID.
  static std::map<std::string, std::string> receivedDatasets(
      const std::filesystem::path& directory) {
    std::map<std::string, std::string> out;
    if (!std::filesystem::exists(directory)) return out;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
      DcmFileFormat format;
      if (!format.loadFile(entry.path().c_str()).good()) continue;
      out[text(*format.getDataset(), DCM_SOPInstanceUID)] = datasetBytesOfFile(entry.path());
    }
    return out;
  }

  // Every stored instance arrived, its dataset byte for byte the one the gateway stored.
  void expectStudyArrivedByteForByte(const std::map<std::string, std::string>& received) {
    EXPECT_EQ(received.size(), instance_uids_.size());
    for (const auto& uid : instance_uids_) {
      const auto it = received.find(uid);
      ASSERT_NE(it, received.end()) << uid;
      const std::string stored = datasetBytesOfFile(storedFile(uid));
      ASSERT_FALSE(stored.empty());
      EXPECT_TRUE(it->second == stored) << uid << " differs from the stored dataset";
    }
  }

  // storescp +B (bit-preserving) as AE DEST on storescp_port_, writing into `directory`.
  std::unique_ptr<BackgroundProgram> startStorescp(const std::filesystem::path& directory) {
    std::filesystem::create_directories(directory);
    auto storescp = std::make_unique<BackgroundProgram>(
        std::vector<std::string>{"storescp", "+B", "-aet", "DEST", "-od", directory.string(),
                                 std::to_string(storescp_port_)},
        (dir_ / "storescp.log").string());
    EXPECT_TRUE(waitForPort(storescp_port_, std::chrono::seconds(20)));
    return storescp;
  }

  std::unique_ptr<OrthancProcess> startOrthanc() {
    OrthancProcess::Options options;
    options.aet = "ORTHANC_E2E";
    options.dicom_port = orthanc_dicom_port_;
    options.modalities = {{"gateway", {"SCREENING_PACS", "127.0.0.1", port_}}};
    auto orthanc = std::make_unique<OrthancProcess>(dir_ / "orthanc", options);
    EXPECT_TRUE(orthanc->waitReady(std::chrono::seconds(30))) << orthanc->log();
    return orthanc;
  }

  TempDir dir_;
  std::uint16_t port_;
  std::uint16_t storescp_port_;
  std::uint16_t orthanc_dicom_port_;
  Env env_;
  std::unique_ptr<GatewayProcess> gateway_;
  int gateway_runs_ = 0;
  std::string study_uid_;
  std::vector<std::string> instance_uids_;
};

int movescu(std::uint16_t port, const std::string& destination, const std::string& study_uid,
            const std::filesystem::path& log) {
  return runProgram({"movescu", "-v", "-S", "-aet", "WORKSTATION", "-aec", "SCREENING_PACS", "-aem",
                     destination, "-k", "QueryRetrieveLevel=STUDY", "-k",
                     "StudyInstanceUID=" + study_uid, "127.0.0.1", std::to_string(port)},
                    std::chrono::seconds(30), log.string());
}

TEST_F(RetrieveE2e, MovescuSendsTheStudyToStorescpByteForByte) {
  const auto received = dir_ / "received";
  auto storescp = startStorescp(received);

  // A destination the gateway does not know: refused with 0xA801, nothing is sent (the final
  // response comes after any sub-operation, so the directory is final when movescu exits).
  const auto refused_log = dir_ / "movescu-unknown.log";
  movescu(port_, "NOBODY", study_uid_, refused_log);
  const std::string refused = readFileBytes(refused_log);
  // movescu names the status (0xA801) rather than printing its code; the gateway logs both.
  EXPECT_NE(refused.find("Refused: MoveDestinationUnknown"), std::string::npos) << refused;
  EXPECT_NE(logLine(gateway_->log(), "destination=NOBODY completed=0 failed=0 warning=0")
                .find("status=0xA801"),
            std::string::npos)
      << gateway_->log();
  EXPECT_TRUE(receivedDatasets(received).empty());

  const auto log = dir_ / "movescu.log";
  ASSERT_EQ(movescu(port_, "DEST", study_uid_, log), 0) << readFileBytes(log);
  expectStudyArrivedByteForByte(receivedDatasets(received));
  EXPECT_NE(gateway_->log().find("destination=DEST completed=" +
                                 std::to_string(instance_uids_.size()) + " failed=0"),
            std::string::npos)
      << gateway_->log();
}

// getscu has no bit-preserving mode: it parses what arrives and writes the file itself (its
// sequences with undefined length, whatever the wire had), so its files are compared element
// for element (both sides encoded alike) and by transfer syntax. C-GET sub-operations are sent
// by the same file-streaming store request as C-MOVE's, whose bytes storescp +B checks above.
TEST_F(RetrieveE2e, GetscuReceivesTheStudyElementForElement) {
  const auto received = dir_ / "got";
  std::filesystem::create_directories(received);
  const auto log = dir_ / "getscu.log";
  ASSERT_EQ(runProgram({"getscu", "-v", "-S", "-aet", "WORKSTATION", "-aec", "SCREENING_PACS", "-k",
                        "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study_uid_, "-od",
                        received.string(), "127.0.0.1", std::to_string(port_)},
                       std::chrono::seconds(30), log.string()),
            0)
      << readFileBytes(log);
  std::set<std::string> arrived;
  for (const auto& entry : std::filesystem::directory_iterator(received)) {
    DcmFileFormat got;
    ASSERT_TRUE(got.loadFile(entry.path().c_str()).good()) << entry.path();
    const std::string uid = text(*got.getDataset(), DCM_SOPInstanceUID);
    arrived.insert(uid);
    DcmFileFormat stored;
    ASSERT_TRUE(stored.loadFile(storedFile(uid).c_str()).good()) << uid;
    EXPECT_EQ(text(*got.getMetaInfo(), DCM_TransferSyntaxUID),
              text(*stored.getMetaInfo(), DCM_TransferSyntaxUID));
    EXPECT_TRUE(encodeLikeDimse(*got.getDataset(), EXS_LittleEndianExplicit) ==
                encodeLikeDimse(*stored.getDataset(), EXS_LittleEndianExplicit))
        << uid << " differs from the stored dataset";
  }
  EXPECT_EQ(arrived, std::set<std::string>(instance_uids_.begin(), instance_uids_.end()));
}

// gdcmscu moves to its own title (--aetitle), which the gateway resolves to storescp. gdcmscu
// 3.0.21 then waits for the sub-operations on its own --port-scp and never returns (nor does
// it print reliably, see runGdcmscu), so it runs in the background: what counts is what
// arrived at storescp and the move's final status in the gateway's log.
TEST_F(RetrieveE2e, GdcmscuMovesTheStudyToStorescp) {
  const auto received = dir_ / "received";
  auto storescp = startStorescp(received);
  BackgroundProgram gdcmscu(
      {"gdcmscu", "--move", "--studyroot", "--study", "--call", "SCREENING_PACS", "--aetitle",
       "GDCM_MOVE", "--port-scp", std::to_string(freePort()), "--key", "20,d=" + study_uid_,
       "127.0.0.1", std::to_string(port_)},
      (dir_ / "gdcmscu-move.log").string());
  const std::string done =
      "calling=GDCM_MOVE destination=GDCM_MOVE completed=" + std::to_string(instance_uids_.size()) +
      " failed=0 warning=0";
  ASSERT_TRUE(gateway_->waitForLog(done, std::chrono::seconds(20)))
      << gateway_->log() << readFileBytes(dir_ / "gdcmscu-move.log");
  std::map<std::string, std::string> arrived;
  eventually(
      [&] {
        arrived = receivedDatasets(received);
        return arrived.size() >= instance_uids_.size();
      },
      std::chrono::seconds(10));
  expectStudyArrivedByteForByte(arrived);
  EXPECT_NE(logLine(gateway_->log(), done).find("status=0x0000"), std::string::npos);
}

TEST_F(RetrieveE2e, OrthancRetrievesAStudyFromTheGateway) {
  auto orthanc = startOrthanc();
  const auto moved = orthanc->post("/modalities/gateway/move",
                                   {{"Level", "Study"},
                                    {"Resources", {{{"StudyInstanceUID", study_uid_}}}},
                                    {"TargetAet", orthanc->aet()},
                                    {"Timeout", 20}});
  ASSERT_TRUE(moved.has_value()) << orthanc->log() << gateway_->log();
  const auto instances = orthanc->get("/instances");
  ASSERT_TRUE(instances && instances->is_array()) << orthanc->log();
  std::map<std::string, std::string> received;
  for (const auto& id : *instances) {
    const auto file = dir_ / ("orthanc-" + id.get<std::string>() + ".dcm");
    ASSERT_TRUE(orthanc->download("/instances/" + id.get<std::string>() + "/file", file));
    DcmFileFormat format;
    ASSERT_TRUE(format.loadFile(file.c_str()).good());
    received[text(*format.getDataset(), DCM_SOPInstanceUID)] = datasetBytesOfFile(file);
  }
  expectStudyArrivedByteForByte(received);
}

// ---- Storage Commitment with Orthanc as the SCU ----------------------------------------

// Orthanc asks the gateway to commit `instances` (class, instance) and waits (bounded) for
// the report to come back on a new association; returns GET /storage-commitment/{id}.
nlohmann::json orthancCommitment(OrthancProcess& orthanc,
                                 const std::vector<std::pair<std::string, std::string>>& items,
                                 std::chrono::seconds limit) {
  nlohmann::json instances = nlohmann::json::array();
  for (const auto& [klass, instance] : items) {
    instances.push_back({{"SOPClassUID", klass}, {"SOPInstanceUID", instance}});
  }
  const auto started = orthanc.post("/modalities/gateway/storage-commitment",
                                    {{"DicomInstances", instances}, {"Timeout", 10}});
  if (!started || !started->contains("ID")) {
    ADD_FAILURE() << "storage commitment request failed: " << orthanc.log();
    return {};
  }
  const std::string path = "/storage-commitment/" + started->at("ID").get<std::string>();
  nlohmann::json report;
  eventually(
      [&] {
        const auto answer = orthanc.get(path);
        if (!answer) return false;
        report = *answer;
        return report.value("Status", "") != "Pending";
      },
      limit);
  return report;
}

std::set<std::string> listedInstances(const nlohmann::json& report, const std::string& field) {
  std::set<std::string> out;
  if (!report.contains(field)) return out;
  for (const auto& item : report.at(field)) out.insert(item.value("SOPInstanceUID", ""));
  return out;
}

TEST_F(RetrieveE2e, OrthancCommitmentIsTruthfulForPresentMissingAndCorruptedInstances) {
  auto orthanc = startOrthanc();
  std::vector<std::pair<std::string, std::string>> all;
  for (const auto& uid : instance_uids_) all.emplace_back(kMgClass, uid);

  auto report = orthancCommitment(*orthanc, all, std::chrono::seconds(15));
  EXPECT_EQ(report.value("Status", ""), "Success") << report.dump() << gateway_->log();
  EXPECT_EQ(listedInstances(report, "Success"),
            std::set<std::string>(instance_uids_.begin(), instance_uids_.end()));

  // One instance the gateway never received.
  const std::string unknown = newUid();
  auto with_unknown = all;
  with_unknown.emplace_back(kMgClass, unknown);
  report = orthancCommitment(*orthanc, with_unknown, std::chrono::seconds(15));
  EXPECT_EQ(report.value("Status", ""), "Failure") << report.dump();
  EXPECT_EQ(listedInstances(report, "Failures"), std::set<std::string>{unknown});
  EXPECT_EQ(listedInstances(report, "Success").size(), instance_uids_.size());

  // One whose file was damaged on disk after it was stored: failed, and its row CORRUPT.
  const auto damaged = storedFile(instance_uids_[1]);
  {
    std::fstream file(damaged, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(-10, std::ios::end);
    const char byte = static_cast<char>(file.get());
    file.seekp(-10, std::ios::end);
    file.put(static_cast<char>(byte ^ 0x5A));
  }
  report = orthancCommitment(*orthanc, all, std::chrono::seconds(15));
  EXPECT_EQ(report.value("Status", ""), "Failure") << report.dump();
  EXPECT_EQ(listedInstances(report, "Failures"), std::set<std::string>{instance_uids_[1]});
  EXPECT_EQ(indexRow(instance_uids_[1]).status, "CORRUPT");
  EXPECT_EQ(indexRow(instance_uids_[0]).status, "STORED");
  EXPECT_NE(gateway_->log().find("via=\"new association\" to=ORTHANC_E2E@127.0.0.1:"),
            std::string::npos)
      << gateway_->log();
}

// The gateway holds the report (PACS_COMMITMENT_REPORT_DELAY), is stopped with SIGTERM
// between Orthanc's N-ACTION and the report, and sends the report after it starts again.
TEST_F(RetrieveE2e, OrthancCommitmentReportSurvivesAGatewayRestart) {
  ASSERT_EQ(gateway_->stop(SIGTERM, std::chrono::seconds(15)), 0);
  env_.emplace_back("PACS_COMMITMENT_REPORT_DELAY", "4");
  startGateway();
  auto orthanc = startOrthanc();
  nlohmann::json instances = nlohmann::json::array();
  for (const auto& uid : instance_uids_) {
    instances.push_back({{"SOPClassUID", kMgClass}, {"SOPInstanceUID", uid}});
  }
  const auto started = orthanc->post("/modalities/gateway/storage-commitment",
                                     {{"DicomInstances", instances}, {"Timeout", 10}});
  ASSERT_TRUE(started && started->contains("ID")) << orthanc->log();
  const std::string path = "/storage-commitment/" + started->at("ID").get<std::string>();
  ASSERT_TRUE(gateway_->waitForLog("commitment verified", std::chrono::seconds(10)))
      << gateway_->log();
  ASSERT_EQ(gateway_->stop(SIGTERM, std::chrono::seconds(15)), 0);
  const std::string first_run = gateway_->log();
  EXPECT_EQ(first_run.find("commitment reported"), std::string::npos) << first_run;
  EXPECT_EQ(orthanc->get(path).value_or(nlohmann::json{}).value("Status", ""), "Pending");

  startGateway();
  nlohmann::json report;
  eventually(
      [&] {
        report = orthanc->get(path).value_or(nlohmann::json{});
        return report.value("Status", "") != "Pending";
      },
      std::chrono::seconds(15));
  EXPECT_EQ(report.value("Status", ""), "Success") << report.dump() << gateway_->log();
  EXPECT_EQ(listedInstances(report, "Success"),
            std::set<std::string>(instance_uids_.begin(), instance_uids_.end()));
  EXPECT_NE(gateway_->log().find("commitment resume transactions=1"), std::string::npos)
      << gateway_->log();
}

}  // namespace
}  // namespace gateway::test
