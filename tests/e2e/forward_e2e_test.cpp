// Store-and-forward (ADR 0019) against the built binary: images sent to the gateway with
// storescu go on, by the gateway's own workers, to Orthanc (C-STORE, and STOW-RS through its
// DICOMweb plugin) and to DCMTK's storescp; through an outage, a kill -9, a destination that
// refuses a class and one that refuses the credentials; retention then removes what every
// destination has and keeps what one still waits for. What arrives is compared with what the
// gateway stored; the queue is read back from the index and through `forward status/list`.
#include <SQLiteCpp/SQLiteCpp.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
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
constexpr const char* kScClass = "1.2.840.10008.5.1.4.1.1.7";
// Long enough for a 2 s backoff (FORWARD_RETRY_MAX_DELAY) several times over on a busy
// 2-core machine; a healthy run takes a fraction of it.
constexpr std::chrono::seconds kDeliveryLimit{30};

std::string text(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

// Polls `done` every 100 ms, at most `limit`.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::seconds limit) {
  return test::eventually(done, limit, std::chrono::milliseconds(100));
}

std::size_t occurrences(const std::string& haystack, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

// The JSON a command printed: its one line on stdout (the output captured also holds stderr).
nlohmann::json jsonOf(const std::string& output) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || (line.front() != '{' && line.front() != '[')) continue;
    try {
      return nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
    }
  }
  ADD_FAILURE() << "no JSON line in: " << output;
  return {};
}

std::vector<Uint16> pixelsOf(const std::filesystem::path& file) {
  DcmFileFormat format;
  const Uint16* values = nullptr;
  unsigned long count = 0;
  if (format.loadFile(file.c_str()).bad() ||
      format.getDataset()->findAndGetUint16Array(DCM_PixelData, values, &count).bad()) {
    return {};
  }
  return std::vector<Uint16>(values, values + count);
}

struct Image {
  std::filesystem::path file;  // what storescu sends
  std::string uid;
};

// One forwarding destination's queue rows, by SOP Instance UID.
struct QueueRow {
  std::string state;
  int attempts = 0;
  std::string last_error;
};

class ForwardE2e : public ::testing::Test {
 protected:
  ForwardE2e() : port_(freePort()) {
    env_ = {{"PACS_PORT", std::to_string(port_)},
            {"MWL_PORT", std::to_string(freePort())},
            {"PACS_STORAGE_PATH", (dir_ / "storage").string()},
            {"PACS_DB_PATH", (dir_ / "pacs.db").string()},
            {"MWL_DB_PATH", (dir_ / "worklist.db").string()},
            {"LOG_LEVEL", "INFO"},
            {"GATEWAY_SHUTDOWN_TIMEOUT", "5"},
            // Backoff from 1 s capped at 2 s: a destination coming back is caught up quickly.
            {"FORWARD_RETRY_MAX_DELAY", "2"}};
  }

  ~ForwardE2e() override {
    if (gateway_) gateway_->stop(SIGTERM, std::chrono::seconds(15));
  }

  void setEnv(const std::string& key, const std::string& value) {
    for (auto& [k, v] : env_) {
      if (k == key) {
        v = value;
        return;
      }
    }
    env_.emplace_back(key, value);
  }

  // `serve` with env_, its log in gatewayN.log.
  void startGateway() {
    gateway_ = std::make_unique<GatewayProcess>(
        std::vector<std::string>{"serve"}, env_,
        dir_ / ("gateway" + std::to_string(++gateway_runs_) + ".log"));
    ASSERT_TRUE(gateway_->waitForLog("ready", std::chrono::seconds(20))) << gateway_->log();
  }

  void stopGateway() {
    ASSERT_TRUE(gateway_);
    EXPECT_EQ(gateway_->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway_->log();
    logs_ += gateway_->log();
    gateway_.reset();
  }

  // Every run's log so far, the running one's included.
  std::string allLogs() const { return logs_ + (gateway_ ? gateway_->log() : ""); }

  // `count` objects of `sop_class` as Part 10 files, explicit-length sequences as storescu puts
  // them on the wire.
  std::vector<Image> writeImages(int count, const std::string& sop_class = kMgClass) {
    std::vector<Image> images;
    for (int i = 0; i < count; ++i) {
      ObjectSpec spec;
      spec.sop_class_uid = sop_class;
      spec.accession_number = "ACC-FWD";
      auto ds = makeObject(spec);
      ds->putAndInsertString(DCM_InstanceNumber, std::to_string(i + 1).c_str());
      Image image;
      image.uid = text(*ds, DCM_SOPInstanceUID);
      image.file = dir_ / ("sent-" + image.uid + ".dcm");
      DcmFileFormat format(ds.get());
      EXPECT_TRUE(
          format.saveFile(image.file.c_str(), EXS_LittleEndianExplicit, EET_ExplicitLength).good());
      images.push_back(std::move(image));
    }
    return images;
  }

  // An MG object in RLE Lossless (DCMTK's dcmcrle), and its uncompressed source.
  std::pair<Image, std::filesystem::path> writeRleImage() {
    Image source = writeImages(1).front();
    Image rle{dir_ / ("sent-rle-" + source.uid + ".dcm"), source.uid};
    EXPECT_EQ(
        runProgram({"dcmcrle", source.file.string(), rle.file.string()}, std::chrono::seconds(20)),
        0);
    return {rle, source.file};
  }

  // Sends `images` to the gateway with storescu (`extra`: e.g. -xr to propose RLE).
  void storescu(const std::vector<Image>& images, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {"storescu"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    for (const std::string& a : {std::string("-aec"), std::string("SCREENING_PACS"),
                                 std::string("127.0.0.1"), std::to_string(port_)}) {
      argv.push_back(a);
    }
    for (const auto& image : images) argv.push_back(image.file.string());
    const auto log = dir_ / "storescu.log";
    ASSERT_EQ(runProgram(argv, std::chrono::seconds(60), log.string()), 0) << readFileBytes(log);
  }

  std::map<std::string, QueueRow> queue(const std::string& destination) {
    std::map<std::string, QueueRow> rows;
    if (!std::filesystem::exists(dir_ / "pacs.db")) return rows;
    try {
      SQLite::Database db((dir_ / "pacs.db").string(), SQLite::OPEN_READONLY);
      db.setBusyTimeout(2000);
      SQLite::Statement s(db,
                          "SELECT sop_instance_uid, state, attempts, COALESCE(last_error, '') "
                          "FROM forward_queue WHERE destination = ?");
      s.bind(1, destination);
      while (s.executeStep()) {
        rows[s.getColumn(0).getString()] = {s.getColumn(1).getString(), s.getColumn(2).getInt(),
                                            s.getColumn(3).getString()};
      }
    } catch (const SQLite::Exception&) {
      rows.clear();  // not migrated yet: read again on the next poll
    }
    return rows;
  }

  int countIn(const std::string& destination, const std::string& state) {
    int n = 0;
    for (const auto& [uid, row] : queue(destination)) n += row.state == state ? 1 : 0;
    return n;
  }

  // Waits until `destination` has `sent` rows SENT and `failed` rows FAILED.
  bool waitSettled(const std::string& destination, int sent, int failed = 0) {
    return eventually(
        [&] {
          return countIn(destination, "SENT") == sent && countIn(destination, "FAILED") == failed;
        },
        kDeliveryLimit);
  }

  std::string indexStatus(const std::string& uid) {
    SQLite::Database db((dir_ / "pacs.db").string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(2000);
    SQLite::Statement s(db, "SELECT status FROM stored_instances WHERE sop_instance_uid = ?");
    s.bind(1, uid);
    return s.executeStep() ? s.getColumn(0).getString() : "";
  }

  std::filesystem::path storedFile(const std::string& uid) {
    SQLite::Database db((dir_ / "pacs.db").string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(2000);
    SQLite::Statement s(db, "SELECT storage_path FROM stored_instances WHERE sop_instance_uid = ?");
    s.bind(1, uid);
    return s.executeStep() ? dir_ / "storage" / s.getColumn(0).getString() : "";
  }

  // The dataset bytes (after the meta header) of every Part 10 file in `directory`, by SOP
  // Instance UID.
  static std::map<std::string, std::string> datasetsIn(const std::filesystem::path& directory) {
    std::map<std::string, std::string> out;
    if (!std::filesystem::exists(directory)) return out;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
      DcmFileFormat format;
      if (!format.loadFile(entry.path().c_str()).good()) continue;
      out[text(*format.getDataset(), DCM_SOPInstanceUID)] = datasetBytesOfFile(entry.path());
    }
    return out;
  }

  // Orthanc's copy of every instance it holds, downloaded into `directory`, by SOP Instance UID.
  std::map<std::string, std::filesystem::path> orthancFiles(OrthancProcess& orthanc,
                                                            const std::string& directory) {
    std::map<std::string, std::filesystem::path> out;
    const auto ids = orthanc.get("/instances");
    EXPECT_TRUE(ids && ids->is_array()) << orthanc.log();
    if (!ids || !ids->is_array()) return out;
    std::filesystem::create_directories(dir_ / directory);
    for (const auto& id : *ids) {
      const auto file = dir_ / directory / (id.get<std::string>() + ".dcm");
      EXPECT_TRUE(orthanc.download("/instances/" + id.get<std::string>() + "/file", file));
      DcmFileFormat format;
      if (!format.loadFile(file.c_str()).good()) continue;
      out[text(*format.getDataset(), DCM_SOPInstanceUID)] = file;
    }
    return out;
  }

  // Orthanc writes its own file meta header (its implementation class and version, the
  // source AE), so its copies are compared after group 0002: the dataset, which carries every
  // byte of what was sent.
  std::map<std::string, std::string> orthancDatasets(OrthancProcess& orthanc,
                                                     const std::string& directory) {
    std::map<std::string, std::string> out;
    for (const auto& [uid, file] : orthancFiles(orthanc, directory)) {
      out[uid] = datasetBytesOfFile(file);
    }
    return out;
  }

  // Each image arrived, its dataset byte for byte the one the gateway stored, and nothing else.
  void expectArrivedByteForByte(const std::map<std::string, std::string>& received,
                                const std::vector<Image>& images, const std::string& where) {
    EXPECT_EQ(received.size(), images.size()) << where;
    for (const auto& image : images) {
      const auto it = received.find(image.uid);
      ASSERT_NE(it, received.end()) << image.uid << " did not arrive at " << where;
      const std::string stored = datasetBytesOfFile(storedFile(image.uid));
      ASSERT_FALSE(stored.empty());
      EXPECT_TRUE(it->second == stored)
          << image.uid << " at " << where << " (" << it->second.size()
          << " bytes) differs from the stored dataset (" << stored.size() << " bytes)";
    }
  }

  // The gateway's log says each image was forwarded to `destination` on its first attempt.
  void expectForwardedLogged(const std::vector<Image>& images, const std::string& destination) {
    const std::string log = allLogs();
    for (const auto& image : images) {
      EXPECT_NE(log.find("forwarded destination=" + destination + " sop_instance=" + image.uid +
                         " attempt=1"),
                std::string::npos)
          << image.uid << "\n"
          << log;
    }
  }

  // storescp, bit-preserving (+B, so its files hold the bytes that came over the wire), AE
  // `aet` on `port`, writing into `directory`; -v logs each "Received Store Request".
  std::unique_ptr<BackgroundProgram> startStorescp(std::uint16_t port,
                                                   const std::filesystem::path& directory,
                                                   const std::vector<std::string>& extra = {},
                                                   const std::string& aet = "STORESCP") {
    std::filesystem::create_directories(directory);
    std::vector<std::string> argv = {"storescp",        "-v", "+B", "-aet", aet, "-od",
                                     directory.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(std::to_string(port));
    auto storescp = std::make_unique<BackgroundProgram>(
        argv, (dir_ / ("storescp-" + std::to_string(port) + ".log")).string());
    EXPECT_TRUE(waitForPort(port, std::chrono::seconds(20)));
    return storescp;
  }

  std::string storescpLog(std::uint16_t port) {
    return readFileBytes(dir_ / ("storescp-" + std::to_string(port) + ".log"));
  }

  std::unique_ptr<OrthancProcess> startOrthanc(OrthancProcess::Options options = {}) {
    auto orthanc = std::make_unique<OrthancProcess>(dir_ / "orthanc", std::move(options));
    EXPECT_TRUE(orthanc->waitReady(std::chrono::seconds(30))) << orthanc->log();
    return orthanc;
  }

  // A YAML file with `forward:` (the list given) for GATEWAY_CONFIG.
  void configureForwardList(const std::string& entries) {
    const auto file = dir_ / "gateway.yaml";
    std::ofstream(file) << "forward:\n" << entries;
    setEnv("GATEWAY_CONFIG", file.string());
  }

  std::pair<int, std::string> command(const std::vector<std::string>& args) {
    return runGateway(args, env_, std::chrono::seconds(30));
  }

  TempDir dir_;
  std::uint16_t port_;
  Env env_;
  std::unique_ptr<GatewayProcess> gateway_;
  int gateway_runs_ = 0;
  std::string logs_;  // of the runs already stopped
};

std::string dicomEntry(const std::string& name, const std::string& aet, std::uint16_t port,
                       const std::string& extra = "") {
  return "  - name: " + name + "\n    type: dicom\n    ae_title: " + aet +
         "\n    host: 127.0.0.1\n    port: " + std::to_string(port) + "\n" + extra;
}

TEST_F(ForwardE2e, OrthancReceivesEveryStoredImageByCStoreByteForByte) {
  auto orthanc = startOrthanc();
  setEnv("FORWARD_DICOM", orthanc->aet() + "@127.0.0.1:" + std::to_string(orthanc->dicomPort()));
  startGateway();
  const auto images = writeImages(3);
  storescu(images);

  ASSERT_TRUE(waitSettled("dicom", 3)) << gateway_->log();
  expectArrivedByteForByte(orthancDatasets(*orthanc, "orthanc"), images, "Orthanc");
  expectForwardedLogged(images, "dicom");
}

TEST_F(ForwardE2e, OrthancDicomWebReceivesEveryStoredImageByStowRs) {
  OrthancProcess::Options options;
  options.dicomweb = true;
  auto orthanc = startOrthanc(options);
  setEnv("FORWARD_STOW_URL", orthanc->stowUrl());
  startGateway();
  const auto images = writeImages(3);
  storescu(images);

  ASSERT_TRUE(waitSettled("stow", 3)) << gateway_->log() << orthanc->log();
  expectArrivedByteForByte(orthancDatasets(*orthanc, "orthanc"), images, "Orthanc (STOW-RS)");
  expectForwardedLogged(images, "stow");
}

// Two destinations from the YAML list, each with its own workers and queue rows: Orthanc and
// storescp both get every image. One image arrives in RLE Lossless: Orthanc accepts RLE and
// gets it as stored; storescp (uncompressed only) gets it decompressed, which the log names.
TEST_F(ForwardE2e, TwoConfiguredDestinationsEachGetEveryImage) {
  auto orthanc = startOrthanc();
  const std::uint16_t storescp_port = freePort();
  auto storescp = startStorescp(storescp_port, dir_ / "storescp");
  configureForwardList(dicomEntry("central", orthanc->aet(), orthanc->dicomPort()) +
                       dicomEntry("local", "STORESCP", storescp_port));
  startGateway();
  const auto plain = writeImages(2);
  storescu(plain);
  const auto [rle, rle_source] = writeRleImage();
  storescu({rle}, {"-xr"});

  ASSERT_TRUE(waitSettled("central", 3)) << gateway_->log();
  ASSERT_TRUE(waitSettled("local", 3)) << gateway_->log();
  {
    DcmFileFormat stored;
    ASSERT_TRUE(stored.loadFile(storedFile(rle.uid).c_str()).good());
    ASSERT_EQ(text(*stored.getMetaInfo(), DCM_TransferSyntaxUID), UID_RLELosslessTransferSyntax)
        << "the gateway was meant to store the RLE object as sent";
  }

  std::vector<Image> all = plain;
  all.push_back(rle);
  expectArrivedByteForByte(orthancDatasets(*orthanc, "orthanc"), all, "Orthanc");
  expectForwardedLogged(all, "central");

  auto at_storescp = datasetsIn(dir_ / "storescp");
  ASSERT_EQ(at_storescp.count(rle.uid), 1u);
  at_storescp.erase(rle.uid);
  expectArrivedByteForByte(at_storescp, plain, "storescp");
  expectForwardedLogged(plain, "local");
  // The RLE object went to storescp decompressed to Explicit VR Little Endian: same pixels.
  EXPECT_NE(gateway_->log().find("forwarded destination=local sop_instance=" + rle.uid +
                                 " attempt=1 converted_to=" UID_LittleEndianExplicitTransferSyntax),
            std::string::npos)
      << gateway_->log();
  std::filesystem::path converted;
  for (const auto& entry : std::filesystem::directory_iterator(dir_ / "storescp")) {
    if (entry.path().filename().string().find(rle.uid) != std::string::npos) {
      converted = entry.path();
    }
  }
  ASSERT_FALSE(converted.empty());
  const auto pixels = pixelsOf(converted);
  EXPECT_FALSE(pixels.empty());
  EXPECT_TRUE(pixels == pixelsOf(rle_source)) << "decompressed pixels differ from the original";
}

TEST_F(ForwardE2e, ImagesWaitThroughAnOutageAndArriveOnceWhenTheDestinationIsBack) {
  const std::uint16_t storescp_port = freePort();  // nothing listens yet
  setEnv("FORWARD_DICOM", "STORESCP@127.0.0.1:" + std::to_string(storescp_port));
  startGateway();
  const auto images = writeImages(3);
  storescu(images);  // acknowledged although the destination is down

  ASSERT_TRUE(
      gateway_->waitForLog("forwarding destination=dicom unreachable", std::chrono::seconds(20)))
      << gateway_->log();
  nlohmann::json dicom;
  const bool waiting = eventually(
      [&] {
        const auto [code, out] = command({"forward", "status", "--json"});
        if (code != 0) return false;
        const auto report = jsonOf(out);
        for (const auto& d : report.value("destinations", nlohmann::json::array())) {
          if (d.value("name", "") == "dicom") dicom = d;
        }
        return dicom.value("pending", 0) == 3 && !dicom.value("last_error", "").empty();
      },
      std::chrono::seconds(20));
  ASSERT_TRUE(waiting) << dicom.dump() << gateway_->log();
  EXPECT_EQ(dicom.value("type", ""), "dicom");
  EXPECT_EQ(dicom.value("endpoint", ""), "STORESCP@127.0.0.1:" + std::to_string(storescp_port));
  EXPECT_EQ(dicom.value("sent", -1), 0);
  EXPECT_EQ(dicom.value("failed", -1), 0);
  EXPECT_NE(dicom.value("last_error", "").find("unreachable"), std::string::npos) << dicom.dump();
  EXPECT_FALSE(dicom.value("oldest_unsent_queued_at", "").empty()) << dicom.dump();
  EXPECT_TRUE(dicom.at("oldest_unsent_age_seconds").is_number()) << dicom.dump();

  auto storescp = startStorescp(storescp_port, dir_ / "storescp");
  ASSERT_TRUE(waitSettled("dicom", 3)) << gateway_->log();
  expectArrivedByteForByte(datasetsIn(dir_ / "storescp"), images, "storescp");
  // Exactly once each: storescp saw three C-STORE requests, and every row is one attempt past
  // the failed ones (no row was sent twice).
  EXPECT_EQ(occurrences(storescpLog(storescp_port), "Received Store Request"), 3u)
      << storescpLog(storescp_port);
  EXPECT_EQ(occurrences(gateway_->log(), "forwarded destination=dicom sop_instance="), 3u)
      << gateway_->log();
  const auto [code, out] = command({"forward", "status", "--json"});
  ASSERT_EQ(code, 0) << out;
  const auto after = jsonOf(out).at("destinations").at(0);
  EXPECT_EQ(after.value("pending", -1), 0) << after.dump();
  EXPECT_EQ(after.value("sent", -1), 3) << after.dump();
  EXPECT_TRUE(after.at("oldest_unsent_age_seconds").is_null()) << after.dump();
}

// kill -9 while images are on the wire: storescp sleeps a second after each store before it
// reads the next request, so once it has logged its second request the gateway waits on a
// third, its batch claimed (SENDING) in the index. The next serve puts the claims back and
// delivers everything. Delivery is at-least-once, so an image in flight may arrive twice.
TEST_F(ForwardE2e, KillNineMidForwardLosesNothingAfterRestart) {
  const std::uint16_t storescp_port = freePort();
  auto storescp = startStorescp(storescp_port, dir_ / "storescp", {"--sleep-after", "1"});
  setEnv("FORWARD_DICOM", "STORESCP@127.0.0.1:" + std::to_string(storescp_port));
  startGateway();
  const auto images = writeImages(4);
  storescu(images);

  ASSERT_TRUE(eventually(
      [&] { return occurrences(storescpLog(storescp_port), "Received Store Request") >= 2; },
      std::chrono::seconds(20)))
      << gateway_->log() << storescpLog(storescp_port);
  EXPECT_EQ(gateway_->stop(SIGKILL, std::chrono::seconds(10)), 128 + SIGKILL);
  logs_ += gateway_->log();
  gateway_.reset();
  EXPECT_GE(countIn("dicom", "SENDING"), 1) << "the crash was meant to interrupt a send";
  EXPECT_LT(countIn("dicom", "SENT"), 4);

  startGateway();
  ASSERT_TRUE(waitSettled("dicom", 4)) << gateway_->log();
  EXPECT_NE(gateway_->log().find("forwarding resumed"), std::string::npos) << gateway_->log();
  expectArrivedByteForByte(datasetsIn(dir_ / "storescp"), images, "storescp");
  for (const auto& image : images) {
    EXPECT_EQ(indexStatus(image.uid), "STORED");
    EXPECT_NE(allLogs().find("forwarded destination=dicom sop_instance=" + image.uid),
              std::string::npos)
        << image.uid;
  }
}

// storescp that takes Digital Mammography only: the Secondary Capture image is a dead letter
// (FAILED, with the reason, after one attempt: a refusal is not retried); the mammograms go.
TEST_F(ForwardE2e, RefusedSopClassIsADeadLetterAndTheRestIsDelivered) {
  const auto config = dir_ / "storescp-mg-only.cfg";
  std::ofstream(config) << "[[TransferSyntaxes]]\n"
                           "[Uncompressed]\n"
                           "TransferSyntax1 = LocalEndianExplicit\n"
                           "TransferSyntax2 = LittleEndianImplicit\n"
                           "[[PresentationContexts]]\n"
                           "[MammographyOnly]\n"
                           "PresentationContext1 = VerificationSOPClass\\Uncompressed\n"
                           "PresentationContext2 = "
                           "DigitalMammographyXRayImageStorageForPresentation\\Uncompressed\n"
                           "PresentationContext3 = "
                           "DigitalMammographyXRayImageStorageForProcessing\\Uncompressed\n"
                           "[[Profiles]]\n"
                           "[MammographyOnly]\n"
                           "PresentationContexts = MammographyOnly\n";
  const std::uint16_t storescp_port = freePort();
  auto storescp =
      startStorescp(storescp_port, dir_ / "storescp", {"-xf", config.string(), "MammographyOnly"});
  setEnv("FORWARD_DICOM", "STORESCP@127.0.0.1:" + std::to_string(storescp_port));
  startGateway();
  const auto mammograms = writeImages(2);
  const auto secondary = writeImages(1, kScClass).front();
  storescu({mammograms[0], secondary, mammograms[1]});

  ASSERT_TRUE(waitSettled("dicom", 2, 1)) << gateway_->log() << storescpLog(storescp_port);
  expectArrivedByteForByte(datasetsIn(dir_ / "storescp"), mammograms, "storescp");

  const auto [code, out] = command({"forward", "list", "--state", "FAILED", "--json"});
  ASSERT_EQ(code, 0) << out;
  const auto failed = jsonOf(out);
  ASSERT_TRUE(failed.is_array() && failed.size() == 1) << out;
  const auto& row = failed.at(0);
  EXPECT_EQ(row.value("sop_instance_uid", ""), secondary.uid);
  EXPECT_EQ(row.value("destination", ""), "dicom");
  EXPECT_EQ(row.value("state", ""), "FAILED");
  EXPECT_EQ(row.value("attempts", 0), 1);
  EXPECT_EQ(row.value("accession_number", ""), "ACC-FWD");
  EXPECT_NE(row.value("last_error", "").find("not accept the SOP class"), std::string::npos) << out;

  const auto [status_code, status_out] = command({"forward", "status", "--json"});
  ASSERT_EQ(status_code, 0) << status_out;
  const auto dicom = jsonOf(status_out).at("destinations").at(0);
  EXPECT_EQ(dicom.value("sent", -1), 2);
  EXPECT_EQ(dicom.value("failed", -1), 1);
  ASSERT_EQ(dicom.at("failures").size(), 1u) << status_out;
  EXPECT_EQ(dicom.at("failures").at(0).value("sop_instance_uid", ""), secondary.uid);
  EXPECT_NE(dicom.at("failures").at(0).value("reason", "").find("not accept the SOP class"),
            std::string::npos)
      << status_out;
  EXPECT_EQ(occurrences(storescpLog(storescp_port), "Received Store Request"), 2u);
  const std::string log = gateway_->log();
  EXPECT_TRUE(log.find("forward failed destination=dicom sop_instance=" + secondary.uid) !=
                  std::string::npos ||
              log.find("forwarding destination=dicom refused 1 instance(s)") != std::string::npos)
      << log;
}

// Orthanc with HTTP authentication (basic, its only kind) answers the bearer token with 401:
// a permanent refusal, each image FAILED with the status in its reason. The token is a secret:
// it appears in no log line and in no command's output.
TEST_F(ForwardE2e, StowUnauthorizedFailsWithHttp401AndNeverShowsTheToken) {
  const std::string token = "e2e-bearer-Zq81xv07-never-log-me";
  OrthancProcess::Options options;
  options.dicomweb = true;
  options.users = {{"operator", "orthanc-e2e-password"}};
  auto orthanc = startOrthanc(options);
  const auto token_file = dir_ / "stow.token";
  std::ofstream(token_file) << token << "\n";
  setEnv("FORWARD_STOW_URL", orthanc->stowUrl());
  setEnv("FORWARD_STOW_TOKEN_FILE", token_file.string());
  startGateway();
  const auto images = writeImages(2);
  storescu(images);

  ASSERT_TRUE(waitSettled("stow", 0, 2)) << gateway_->log();
  std::string outputs;
  const auto [list_code, list_out] = command({"forward", "list", "--state", "FAILED", "--json"});
  ASSERT_EQ(list_code, 0) << list_out;
  outputs += list_out;
  const auto failed = jsonOf(list_out);
  ASSERT_EQ(failed.size(), 2u) << list_out;
  std::set<std::string> uids;
  for (const auto& row : failed) {
    uids.insert(row.value("sop_instance_uid", ""));
    EXPECT_NE(row.value("last_error", "").find("HTTP 401"), std::string::npos) << list_out;
    EXPECT_EQ(row.value("attempts", 0), 1) << list_out;
  }
  EXPECT_EQ(uids, (std::set<std::string>{images[0].uid, images[1].uid}));
  const auto [status_code, status_out] = command({"forward", "status", "--json"});
  ASSERT_EQ(status_code, 0) << status_out;
  outputs += status_out;
  const auto stow = jsonOf(status_out).at("destinations").at(0);
  EXPECT_EQ(stow.value("name", ""), "stow");
  EXPECT_EQ(stow.value("endpoint", ""), orthanc->stowUrl());
  EXPECT_EQ(stow.value("failed", -1), 2);
  EXPECT_NE(stow.value("last_error", "").find("HTTP 401"), std::string::npos) << status_out;
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"forward", "status"}, {"forward", "list"}, {"serve", "--help"}}) {
    const auto [code, out] = command(args);
    EXPECT_EQ(code, 0) << out;
    outputs += out;
  }
  // Nothing reached Orthanc (its REST API, with the user's password, shows no instance).
  const auto instances = orthanc->get("/instances");
  ASSERT_TRUE(instances.has_value()) << orthanc->log();
  EXPECT_TRUE(instances->empty()) << instances->dump();

  stopGateway();
  EXPECT_NE(logs_.find("forward failed destination=stow sop_instance=" + images[0].uid),
            std::string::npos)
      << logs_;
  EXPECT_EQ(logs_.find(token), std::string::npos) << "the token is in the gateway's log";
  EXPECT_EQ(outputs.find(token), std::string::npos) << "the token is in a command's output";
}

// Three mammograms go to the archive only; a Secondary Capture also to the cloud, which is
// down. Forty days later (created_at backdated), with 30 days of retention, the mammograms
// lose their files and become PURGED; the Secondary Capture is kept for the cloud.
TEST_F(ForwardE2e, RetentionPurgesForwardedImagesAndKeepsUnforwardedOnes) {
  const std::uint16_t archive_port = freePort();
  auto archive = startStorescp(archive_port, dir_ / "archive", {}, "ARCHIVE");
  configureForwardList(dicomEntry("archive", "ARCHIVE", archive_port) +
                       dicomEntry("cloud", "CLOUD", freePort(),
                                  std::string("    sop_classes: [") + kScClass + "]\n"));
  startGateway();
  const auto mammograms = writeImages(3);
  const auto secondary = writeImages(1, kScClass).front();
  auto all = mammograms;
  all.push_back(secondary);
  storescu(all);
  ASSERT_TRUE(waitSettled("archive", 4)) << gateway_->log();
  const auto cloud = queue("cloud");
  ASSERT_EQ(cloud.size(), 1u);
  EXPECT_EQ(cloud.count(secondary.uid), 1u);
  EXPECT_EQ(cloud.begin()->second.state, "PENDING");
  stopGateway();

  {
    SQLite::Database db((dir_ / "pacs.db").string(), SQLite::OPEN_READWRITE);
    EXPECT_EQ(db.exec("UPDATE stored_instances SET created_at = datetime(created_at, '-40 days')"),
              4);
  }
  setEnv("PACS_RETENTION_DAYS", "30");

  const auto [plan_code, plan_out] = command({"storage", "purge", "--dry-run", "--json"});
  ASSERT_EQ(plan_code, 0) << plan_out;
  const auto plan = jsonOf(plan_out);
  EXPECT_EQ(plan.value("retention_days", 0), 30) << plan_out;
  EXPECT_EQ(plan.value("purge_count", 0), 3) << plan_out;
  EXPECT_EQ(plan.value("old_unforwarded_kept", 0), 1) << plan_out;
  std::set<std::string> planned;
  std::int64_t planned_bytes = 0;
  for (const auto& c : plan.value("purge", nlohmann::json::array())) {
    planned.insert(c.value("sop_instance_uid", ""));
    EXPECT_EQ(c.value("reason", ""), "age") << plan_out;
    planned_bytes += c.value("bytes", std::int64_t{0});
  }
  EXPECT_EQ(planned,
            (std::set<std::string>{mammograms[0].uid, mammograms[1].uid, mammograms[2].uid}));
  EXPECT_EQ(plan.value("purge_bytes", std::int64_t{0}), planned_bytes);
  for (const auto& image : all) {  // a dry run removes nothing
    EXPECT_TRUE(std::filesystem::exists(storedFile(image.uid))) << image.uid;
    EXPECT_EQ(indexStatus(image.uid), "STORED");
  }

  setEnv("PACS_RETENTION_INTERVAL", "1");
  std::vector<std::filesystem::path> mammogram_files;
  for (const auto& image : mammograms) mammogram_files.push_back(storedFile(image.uid));
  startGateway();
  ASSERT_TRUE(eventually([&] { return occurrences(gateway_->log(), "purged sop_instance=") >= 3; },
                         std::chrono::seconds(20)))
      << gateway_->log();
  for (std::size_t i = 0; i < mammograms.size(); ++i) {
    EXPECT_EQ(indexStatus(mammograms[i].uid), "PURGED");
    EXPECT_FALSE(std::filesystem::exists(mammogram_files[i])) << mammogram_files[i];
    EXPECT_NE(gateway_->log().find("purged sop_instance=" + mammograms[i].uid), std::string::npos);
  }
  EXPECT_NE(gateway_->log().find("reason=age"), std::string::npos) << gateway_->log();
  EXPECT_EQ(indexStatus(secondary.uid), "STORED");
  EXPECT_TRUE(std::filesystem::exists(storedFile(secondary.uid)));
  stopGateway();
  EXPECT_EQ(occurrences(logs_, "purged sop_instance="), 3u) << logs_;

  const auto [after_code, after_out] = command({"storage", "purge", "--dry-run", "--json"});
  ASSERT_EQ(after_code, 0) << after_out;
  EXPECT_EQ(jsonOf(after_out).value("purge_count", -1), 0) << after_out;
  EXPECT_EQ(jsonOf(after_out).value("old_unforwarded_kept", -1), 1) << after_out;
  const auto [verify_code, verify_out] = command({"verify-storage"});
  EXPECT_EQ(verify_code, 0) << verify_out;
  EXPECT_NE(verify_out.find("3 instance(s) purged by retention"), std::string::npos) << verify_out;
}

}  // namespace
}  // namespace gateway::test
