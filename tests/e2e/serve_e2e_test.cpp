// The built binary, started as an operator would, driven by DCMTK's command-line tools as a
// modality vendor would: echoscu and storescu.
#include <SQLiteCpp/Database.h>
#include <arpa/inet.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "services/pacs/storage_path.h"
#include "tests/e2e/gateway_process.h"
#include "tests/support/child_process.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

class ServeE2e : public ::testing::Test {
 protected:
  ServeE2e() : port_(freePort()) {
    env_ = {{"PACS_PORT", std::to_string(port_)},
            {"MWL_PORT", std::to_string(freePort())},
            {"PACS_STORAGE_PATH", (dir_ / "storage").string()},
            {"PACS_DB_PATH", (dir_ / "pacs.db").string()},
            {"MWL_DB_PATH", (dir_ / "worklist.db").string()},
            {"LOG_LEVEL", "INFO"},
            {"GATEWAY_SHUTDOWN_TIMEOUT", "5"}};
  }

  std::unique_ptr<GatewayProcess> start() {
    auto process = std::make_unique<GatewayProcess>(std::vector<std::string>{"serve"}, env_,
                                                    dir_ / "gateway.log");
    EXPECT_TRUE(process->waitForLog("ready", std::chrono::seconds(20))) << process->log();
    return process;
  }

  // Writes `count` MG objects as Part 10 files; returns their paths and UIDs.
  std::vector<std::pair<std::filesystem::path, std::string>> writeObjects(int count) {
    std::vector<std::pair<std::filesystem::path, std::string>> files;
    for (int i = 0; i < count; ++i) {
      ObjectSpec spec;
      spec.patient_id = "PID-SECRET-42";
      spec.patient_name = "SECRETNAME^ANNA";
      auto ds = makeObject(spec);
      OFString uid;
      ds->findAndGetOFString(DCM_SOPInstanceUID, uid);
      const auto path = dir_ / ("object" + std::to_string(i) + ".dcm");
      DcmFileFormat format(ds.get());
      // Explicit-length sequences: the encoding storescu puts on the wire, so the file's
      // dataset bytes are exactly the bytes the gateway receives.
      EXPECT_TRUE(
          format.saveFile(path.c_str(), EXS_LittleEndianExplicit, EET_ExplicitLength).good());
      files.emplace_back(path, uid.c_str());
    }
    return files;
  }

  int storescu(const std::vector<std::filesystem::path>& files) {
    std::vector<std::string> args = {"storescu", "-aec", "SCREENING_PACS", "127.0.0.1",
                                     std::to_string(port_)};
    for (const auto& f : files) args.push_back(f.string());
    return runProgram(args, std::chrono::seconds(60), (dir_ / "storescu.log").string());
  }

  TempDir dir_;
  std::uint16_t port_;
  Env env_;
};

TEST_F(ServeE2e, StoresWhatStorescuSendsAndVerifyStorageConfirms) {
  auto gateway = start();
  EXPECT_EQ(runProgram({"echoscu", "-aec", "SCREENING_PACS", "127.0.0.1", std::to_string(port_)},
                       std::chrono::seconds(20)),
            0);
  const auto objects = writeObjects(3);
  std::vector<std::filesystem::path> paths;
  for (const auto& o : objects) paths.push_back(o.first);
  ASSERT_EQ(storescu(paths), 0) << readFileBytes(dir_ / "storescu.log");

  SQLite::Database db((dir_ / "pacs.db").string(), SQLite::OPEN_READONLY);
  for (const auto& [source, uid] : objects) {
    SQLite::Statement q(db,
                        "SELECT storage_path, source_aet, status, patient_id FROM "
                        "stored_instances WHERE sop_instance_uid = ?");
    q.bind(1, uid);
    ASSERT_TRUE(q.executeStep()) << uid;
    const std::string relative = q.getColumn(0).getString();
    EXPECT_EQ(relative, pacs::storagePathFor(uid));
    EXPECT_EQ(q.getColumn(1).getString(), "STORESCU");
    EXPECT_EQ(q.getColumn(2).getString(), "STORED");
    EXPECT_EQ(q.getColumn(3).getString(), "PID-SECRET-42");
    const std::string stored = datasetBytesOfFile(dir_ / "storage" / relative);
    const std::string sent = datasetBytesOfFile(source);
    EXPECT_TRUE(stored == sent) << "stored dataset (" << stored.size()
                                << " bytes) differs from the file storescu sent (" << sent.size()
                                << " bytes)";
  }

  const auto [verify_code, verify_out] = runGateway({"verify-storage", "--json"}, env_);
  EXPECT_EQ(verify_code, 0) << verify_out;
  EXPECT_NE(verify_out.find("\"ok\":true"), std::string::npos) << verify_out;
  EXPECT_NE(verify_out.find("\"files_ok\":3"), std::string::npos) << verify_out;
  const auto [health_code, health_out] = runGateway({"healthcheck"}, env_);
  EXPECT_EQ(health_code, 0) << health_out;

  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0);
  const std::string log = gateway->log();
  EXPECT_NE(log.find("result=stored"), std::string::npos) << log;
  EXPECT_NE(log.find("calling=STORESCU"), std::string::npos) << log;
  EXPECT_NE(log.find("stopped"), std::string::npos) << log;
  // Private by default: identifiers never appear in INFO logs.
  EXPECT_EQ(log.find("PID-SECRET-42"), std::string::npos);
  EXPECT_EQ(log.find("SECRETNAME"), std::string::npos);
}

TEST_F(ServeE2e, HealthcheckFailsWhenNothingAnswers) {
  const auto [code, out] = runGateway({"healthcheck", "--timeout", "2"}, env_);
  EXPECT_EQ(code, 1);
  EXPECT_NE(out.find("unhealthy"), std::string::npos) << out;
}

TEST_F(ServeE2e, VerifyStorageReportsCorruptMissingAndOrphanFiles) {
  auto gateway = start();
  const auto objects = writeObjects(3);
  std::vector<std::filesystem::path> paths;
  for (const auto& o : objects) paths.push_back(o.first);
  ASSERT_EQ(storescu(paths), 0);
  ASSERT_EQ(gateway->stop(SIGINT, std::chrono::seconds(15)), 0);

  const auto corrupt = dir_ / "storage" / pacs::storagePathFor(objects[0].second);
  {
    std::fstream f(corrupt, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-1, std::ios::end);
    f.put('\x7f');
  }
  std::filesystem::remove(dir_ / "storage" / pacs::storagePathFor(objects[1].second));
  std::filesystem::create_directories(dir_ / "storage" / "ab" / "cd");
  std::ofstream(dir_ / "storage" / "ab" / "cd" / "abcd000000000000.dcm") << "stray";

  const auto [code, out] = runGateway({"verify-storage"}, env_);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("corrupt"), std::string::npos) << out;
  EXPECT_NE(out.find("missing"), std::string::npos) << out;
  EXPECT_NE(out.find("orphan"), std::string::npos) << out;
  EXPECT_NE(out.find("1 ok"), std::string::npos) << out;
}

TEST_F(ServeE2e, InvalidConfigurationStopsStartupWithExitTwo) {
  Env bad = env_;
  bad.emplace_back("PACS_AET", "A_TITLE_LONGER_THAN_16");
  for (auto& [name, value] : bad) {
    if (name == "LOG_LEVEL") value = "loud";
  }
  const auto [code, out] = runGateway({"serve"}, bad);
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("PACS_AET"), std::string::npos) << out;
  EXPECT_NE(out.find("LOG_LEVEL"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "pacs.db"));  // nothing half started

  const auto yaml = dir_ / "gateway.yaml";
  std::ofstream(yaml) << "pacs:\n  portt: 1\n";
  const auto [yaml_code, yaml_out] = runGateway({"serve", "--config", yaml.string()}, env_);
  EXPECT_EQ(yaml_code, 2);
  EXPECT_NE(yaml_out.find("unknown key 'pacs.portt'"), std::string::npos) << yaml_out;
}

TEST_F(ServeE2e, PortInUseIsAClearStartupFailure) {
  const int blocker = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  ASSERT_EQ(::bind(blocker, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(blocker, 1), 0);
  const auto [code, out] = runGateway({"serve"}, env_);
  ::close(blocker);
  EXPECT_EQ(code, 1);
  EXPECT_NE(out.find("cannot listen"), std::string::npos) << out;
}

TEST_F(ServeE2e, SecondServeOnTheSameStorageExitsTwoAndTouchesNothing) {
  auto first = start();
  // What a transfer in progress looks like to reconciliation, which would delete it.
  const auto in_flight = dir_ / "storage" / ".incoming" / "in-flight.part";
  { std::ofstream(in_flight) << "half of a 300 MB tomosynthesis object"; }
  Env other = env_;
  for (auto& [key, value] : other) {
    if (key == "PACS_PORT" || key == "MWL_PORT") value = std::to_string(freePort());
  }
  const auto [code, out] = runGateway({"serve"}, other, std::chrono::seconds(20));
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("another gateway (pid "), std::string::npos) << out;
  EXPECT_NE(out.find("is serving this storage"), std::string::npos) << out;
  EXPECT_TRUE(std::filesystem::exists(in_flight));
  // The first instance still serves, and verify-storage does not mistake the lock for an object.
  EXPECT_EQ(runProgram({"echoscu", "-aec", "SCREENING_PACS", "127.0.0.1", std::to_string(port_)},
                       std::chrono::seconds(20), (dir_ / "echoscu.log").string()),
            0);
  const auto [verify_code, verify_out] = runGateway({"verify-storage"}, env_);
  EXPECT_EQ(verify_code, 0) << verify_out;
  EXPECT_EQ(first->stop(SIGTERM, std::chrono::seconds(20)), 0);
  // Once it has stopped, the next instance starts normally (the lock died with it).
  auto next = start();
  EXPECT_EQ(next->stop(SIGTERM, std::chrono::seconds(20)), 0);
}

}  // namespace
}  // namespace gateway::test
