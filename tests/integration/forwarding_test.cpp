// Store-and-forward and retention (ADR 0019) through the real storage service in-process:
// images stored over loopback go on by the service's own forward workers to a second
// in-process PACS (C-STORE) and to an HTTP receiver (STOW-RS), or to a test ForwardSender
// where a destination has to misbehave on cue; the queue is read back from the index
// database as `forward status` reads it, and retention runs against a disk probe that says
// the disk is short. Real SQLite, real folders; what is configured is the service's config.
#include <SQLiteCpp/SQLiteCpp.h>
#include <arpa/inet.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/dicom/dimse_status.h"
#include "common/http/http_server.h"
#include "common/logging/logging.h"
#include "services/pacs/forward_queue.h"
#include "services/pacs/forward_sender.h"
#include "tests/integration/pacs_harness.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/store_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace gateway::test {
namespace {

using config::ForwardDestination;
using config::ForwardType;
using pacs::ForwardDisposition;
using pacs::ForwardItem;
using pacs::ForwardRow;
using pacs::SendOutcome;

constexpr const char* kMg = UID_DigitalMammographyXRayImageStorageForPresentation;
constexpr const char* kSc = UID_SecondaryCaptureImageStorage;
constexpr const char* kExplicit = UID_LittleEndianExplicitTransferSyntax;
constexpr const char* kImplicit = UID_LittleEndianImplicitTransferSyntax;
// Every wait below polls, and none longer than this; a healthy run needs a fraction of it.
constexpr std::chrono::seconds kPollLimit{10};

double unixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool eventually(std::function<bool()> done, std::chrono::milliseconds limit = kPollLimit) {
  return test::eventually(done, limit);
}

std::string text(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

std::string metaTransferSyntax(const std::filesystem::path& file) {
  DcmFileFormat format;
  if (format.loadFile(file.c_str()).bad()) return "";
  return text(*format.getMetaInfo(), DCM_TransferSyntaxUID);
}

struct Object {
  std::unique_ptr<DcmDataset> dataset;
  std::string uid;
};

Object makeOne(const std::string& sop_class = kMg) {
  ObjectSpec spec;
  spec.sop_class_uid = sop_class;
  spec.accession_number = "ACC-FWD-IT";
  Object object{makeObject(spec), ""};
  object.uid = text(*object.dataset, DCM_SOPInstanceUID);
  return object;
}

// Stores each object on one association from `calling_aet`, each in the transfer syntax
// given for it (explicit VR little endian when none is).
void storeAll(std::uint16_t port, std::vector<Object>& objects,
              const std::string& calling_aet = "TEST_MODALITY",
              const std::vector<std::string>& syntaxes = {}) {
  TestScu scu(port, "SCREENING_PACS", calling_aet);
  scu.propose({kMg, kSc}, {kExplicit, kImplicit});
  ASSERT_TRUE(scu.connect().good());
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const std::string syntax = i < syntaxes.size() ? syntaxes[i] : kExplicit;
    const auto response = scu.store(*objects[i].dataset, "", "", syntax);
    ASSERT_TRUE(response.sent) << response.error;
    ASSERT_EQ(response.status, dicom::status::kSuccess) << objects[i].uid;
  }
  scu.releaseAssociation();
}

// The queue rows of the source's index, by (SOP Instance UID, destination), read on a
// connection of their own as the `forward` commands read them.
std::map<std::pair<std::string, std::string>, ForwardRow> queueRows(pacs::ForwardQueue& queue) {
  std::map<std::pair<std::string, std::string>, ForwardRow> rows;
  for (auto& row : queue.list({})) {
    rows[{row.sop_instance_uid, row.destination}] = row;
  }
  return rows;
}

int countInState(pacs::ForwardQueue& queue, const std::string& destination,
                 const std::string& state) {
  pacs::ForwardListFilter filter;
  filter.destination = destination;
  filter.state = state;
  return static_cast<int>(queue.list(filter).size());
}

ForwardDestination dicomDestination(const std::string& name, const std::string& aet,
                                    std::uint16_t port) {
  ForwardDestination d;
  d.name = name;
  d.type = ForwardType::kDicom;
  d.ae_title = aet;
  d.host = "127.0.0.1";
  d.port = port;
  return d;
}

// A loopback port bound but never listening: connecting to it is refused at once, and no
// other program can take it while the test holds it (a destination that is down).
class RefusingPort {
 public:
  RefusingPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t length = sizeof(addr);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
      ADD_FAILURE() << "cannot bind a loopback port";
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~RefusingPort() {
    if (fd_ >= 0) ::close(fd_);
  }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  std::uint16_t port() const { return port_; }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

// A destination under the test's control: what it answers each instance, per SOP Instance
// UID, and whether it can be reached at all. Shared by every worker's sender.
struct FakeDestination {
  std::map<std::string, std::uint16_t> status_of;  // C-STORE status; absent: 0x0000
  std::atomic<bool> reachable{true};
  std::atomic<int> prepares{0};
  std::mutex mutex;  // guards sends
  std::map<std::string, int> sends;
};

class FakeSender : public pacs::ForwardSender {
 public:
  explicit FakeSender(FakeDestination& destination) : destination_(destination) {}
  SendOutcome prepare(const std::vector<ForwardItem>&) override {
    ++destination_.prepares;
    if (!destination_.reachable) {
      return {ForwardDisposition::kRetry, "unreachable: the test destination is down"};
    }
    return {ForwardDisposition::kSent, ""};
  }
  SendOutcome send(const ForwardItem& item, const std::filesystem::path& file) override {
    EXPECT_TRUE(std::filesystem::exists(file)) << file;
    {
      std::lock_guard lock(destination_.mutex);
      ++destination_.sends[item.sop_instance_uid];
    }
    const auto it = destination_.status_of.find(item.sop_instance_uid);
    const std::uint16_t status = it == destination_.status_of.end() ? 0x0000 : it->second;
    // The classification is the product's (unit-tested); the test picks the status.
    const ForwardDisposition disposition = pacs::dispositionOfDimseStatus(status);
    char detail[64];
    std::snprintf(detail, sizeof detail, "C-STORE status 0x%04X: refused by the test", status);
    return {disposition, disposition == ForwardDisposition::kSent ? "" : detail};
  }
  void idle() override {}

 private:
  FakeDestination& destination_;
};

PacsHarness::BeforeStart withFakeSenders(FakeDestination& destination,
                                         pacs::ForwarderOptions options = {}) {
  return [&destination, options](pacs::PacsService& service) {
    service.setForwardSenders([&destination](const ForwardDestination&) {
      return std::make_unique<FakeSender>(destination);
    });
    service.setForwarderOptions(options);
  };
}

// 1. Three images go to a second PACS over C-STORE: every queue row SENT on its first
// attempt, and the destination holds what the source holds, in the same transfer syntax.
TEST(Forwarding, DeliversEveryStoredImageToASecondPacsByteForByte) {
  PacsHarness destination([](config::GatewayConfig& c) { c.pacs.aet = "CENTRAL_ARCHIVE"; });
  const std::uint16_t destination_port = destination.port();
  PacsHarness source([destination_port](config::GatewayConfig& c) {
    c.forward.destinations = {dicomDestination("central", "CENTRAL_ARCHIVE", destination_port)};
  });
  ASSERT_NE(source.service().forwarder(), nullptr);
  std::vector<Object> objects;
  for (int i = 0; i < 3; ++i) objects.push_back(makeOne());
  storeAll(source.port(), objects);

  pacs::ForwardQueue queue(source.config().pacs.db_path);
  ASSERT_TRUE(eventually([&] { return countInState(queue, "central", "SENT") == 3; }))
      << "rows: " << queue.list({}).size();
  const auto rows = queueRows(queue);
  EXPECT_EQ(rows.size(), 3u);
  for (const auto& object : objects) {
    const auto it = rows.find({object.uid, "central"});
    ASSERT_NE(it, rows.end()) << object.uid;
    EXPECT_EQ(it->second.state, "SENT");
    EXPECT_EQ(it->second.attempts, 1);
    EXPECT_TRUE(it->second.last_error.empty()) << it->second.last_error;
    EXPECT_FALSE(it->second.sent_at.empty());

    const auto at_source = source.row(object.uid);
    const auto at_destination = destination.row(object.uid);
    ASSERT_TRUE(at_source && at_destination) << object.uid;
    EXPECT_EQ(at_destination->source_aet, "SCREENING_PACS");  // the source's own AE called
    const auto source_file = source.storage() / at_source->storage_path;
    const auto destination_file = destination.storage() / at_destination->storage_path;
    // Each PACS writes its own file meta header (group 0002: the Source AE Title is the
    // modality at the source, the gateway at the destination), so the files are compared
    // from the dataset on: every byte the modality sent. The meta header must still name
    // the same transfer syntax: forwarding sent the stored bytes, it did not convert them.
    EXPECT_EQ(metaTransferSyntax(destination_file), metaTransferSyntax(source_file));
    EXPECT_EQ(metaTransferSyntax(source_file), kExplicit);
    const std::string sent = datasetBytesOfFile(source_file);
    ASSERT_FALSE(sent.empty());
    EXPECT_TRUE(datasetBytesOfFile(destination_file) == sent)
        << object.uid << " differs at the destination";
  }
  EXPECT_EQ(destination.rowCount(), 3);
}

// The same class in both uncompressed syntaxes, in one batch: each is held in its own
// syntax at the source and must be held in that syntax at the destination too (ADR 0019:
// "the stored bytes go out as stored ... whenever the destination accepts it").
TEST(Forwarding, KeepsEachUncompressedSyntaxOfOneSopClass) {
  PacsHarness destination([](config::GatewayConfig& c) { c.pacs.aet = "CENTRAL_ARCHIVE"; });
  const std::uint16_t destination_port = destination.port();
  PacsHarness source([destination_port](config::GatewayConfig& c) {
    c.forward.destinations = {dicomDestination("central", "CENTRAL_ARCHIVE", destination_port)};
  });
  std::vector<Object> objects;
  objects.push_back(makeOne());
  objects.push_back(makeOne());
  storeAll(source.port(), objects, "TEST_MODALITY", {kExplicit, kImplicit});

  pacs::ForwardQueue queue(source.config().pacs.db_path);
  ASSERT_TRUE(eventually([&] { return countInState(queue, "central", "SENT") == 2; }));
  for (const auto& object : objects) {
    const auto at_source = source.row(object.uid);
    const auto at_destination = destination.row(object.uid);
    ASSERT_TRUE(at_source && at_destination) << object.uid;
    const auto source_file = source.storage() / at_source->storage_path;
    const auto destination_file = destination.storage() / at_destination->storage_path;
    EXPECT_EQ(metaTransferSyntax(destination_file), metaTransferSyntax(source_file))
        << object.uid << " was converted on the way";
    EXPECT_TRUE(datasetBytesOfFile(destination_file) == datasetBytesOfFile(source_file))
        << object.uid << " differs at the destination";
  }
}

// 2. Routing at arrival: a row per (instance, destination) whose filters all match, no other.
TEST(Forwarding, QueuesAnInstanceOnlyForTheDestinationsWhoseFiltersMatch) {
  FakeDestination fake;
  PacsHarness source(
      [](config::GatewayConfig& c) {
        auto mammo = dicomDestination("mammo", "MAMMO_ARCHIVE", 1);
        mammo.modalities = {"MG"};
        auto other = dicomDestination("other_ae", "OTHER_ARCHIVE", 1);
        other.calling_aets = {"SOME_OTHER_AE"};
        c.forward.destinations = {mammo, other};
      },
      {}, withFakeSenders(fake));
  std::vector<Object> from_x;
  from_x.push_back(makeOne(kMg));
  from_x.push_back(makeOne(kSc));  // Modality OT
  storeAll(source.port(), from_x, "MODALITY_X");
  std::vector<Object> from_other;
  from_other.push_back(makeOne(kSc));
  storeAll(source.port(), from_other, "SOME_OTHER_AE");

  pacs::ForwardQueue queue(source.config().pacs.db_path);
  ASSERT_TRUE(eventually([&] {
    return countInState(queue, "mammo", "SENT") + countInState(queue, "other_ae", "SENT") == 2;
  }));
  std::set<std::pair<std::string, std::string>> pairs;
  for (const auto& [key, row] : queueRows(queue)) pairs.insert(key);
  EXPECT_EQ(pairs, (std::set<std::pair<std::string, std::string>>{
                       {from_x[0].uid, "mammo"}, {from_other[0].uid, "other_ae"}}));
  // The SC image from MODALITY_X matched neither: stored, indexed, never queued.
  EXPECT_TRUE(source.row(from_x[1].uid).has_value());
  std::lock_guard lock(fake.mutex);
  EXPECT_EQ(fake.sends.count(from_x[1].uid), 0u);
}

// 3. STOW-RS: a 503 is retried after the (1 s) backoff, the 200 settles the row; the request
// is the one-part multipart/related body of the stored file, with the bearer token.
TEST(Forwarding, StowRetriesA503AndSendsTheStoredFileAsOneMultipartPart) {
  struct Received {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;
    std::string body;
  };
  logging::initLogging("info");  // the receiver's logger, before any harness makes it
  std::mutex mutex;
  std::vector<Received> received;
  http::HttpServerOptions options;
  options.name = "stow-test";
  options.workers = 1;
  http::HttpServer receiver(
      options,
      [&](const http::HttpRequest& request) {
        std::lock_guard lock(mutex);
        received.push_back({request.method, request.path, request.headers, request.body});
        if (received.size() == 1) return http::HttpResponse::text(503, "busy, try later");
        return http::HttpResponse::json(200, "{}");
      },
      *logging::http());
  receiver.bind();
  receiver.start();
  const std::string url =
      "http://127.0.0.1:" + std::to_string(receiver.port()) + "/dicom-web/studies";
  const std::string token = "integration-token-5c1e";

  PacsHarness source([&](config::GatewayConfig& c) {
    ForwardDestination stow;
    stow.name = "cloud";
    stow.type = ForwardType::kStow;
    stow.url = url;
    stow.token = token;
    c.forward.destinations = {stow};
    c.forward.retry_max_delay = std::chrono::seconds(1);
  });
  std::vector<Object> objects;
  objects.push_back(makeOne());
  storeAll(source.port(), objects);

  pacs::ForwardQueue queue(source.config().pacs.db_path);
  ASSERT_TRUE(eventually([&] { return countInState(queue, "cloud", "SENT") == 1; }));
  const auto stored = source.row(objects[0].uid);
  ASSERT_TRUE(stored.has_value());
  const std::string file = readFileBytes(source.storage() / stored->storage_path);
  ASSERT_FALSE(file.empty());
  source.stop();  // nothing more is sent: `received` is final
  receiver.stop();

  const auto rows = queueRows(queue);
  const auto& row = rows.at({objects[0].uid, "cloud"});
  EXPECT_EQ(row.attempts, 2);
  EXPECT_TRUE(row.last_error.empty()) << row.last_error;
  EXPECT_FALSE(row.sent_at.empty());

  ASSERT_EQ(received.size(), 2u);
  for (const auto& request : received) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.path, "/dicom-web/studies");
    EXPECT_EQ(request.headers.count("authorization") ? request.headers.at("authorization") : "",
              "Bearer " + token);
    const std::string content_type =
        request.headers.count("content-type") ? request.headers.at("content-type") : "";
    const std::string prefix = "multipart/related; type=\"application/dicom\"";
    EXPECT_EQ(content_type.rfind(prefix, 0), 0u) << content_type;
    const auto at = content_type.find("boundary=");
    ASSERT_NE(at, std::string::npos) << content_type;
    std::string boundary = content_type.substr(at + 9);
    boundary = boundary.substr(0, boundary.find(';'));
    if (boundary.size() >= 2 && boundary.front() == '"') {
      boundary = boundary.substr(1, boundary.size() - 2);
    }
    ASSERT_FALSE(boundary.empty());
    // One part: the stored Part 10 file as it is on disk, meta header included.
    const std::string expected = "--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n" +
                                 file + "\r\n--" + boundary + "--\r\n";
    EXPECT_EQ(request.body.size(), expected.size());
    EXPECT_TRUE(request.body == expected) << "the request body is not the expected multipart";
  }
}

// 4. Each instance settles by what the destination answered: success and 0x0111 (it already
// has it) are SENT, 0xA900 is a dead letter at once with the reason; nothing is sent twice.
TEST(Forwarding, APermanentRefusalIsADeadLetterWhileTheOthersAreSent) {
  std::vector<Object> objects;
  for (int i = 0; i < 3; ++i) objects.push_back(makeOne());
  FakeDestination fake;
  fake.status_of[objects[1].uid] = 0x0111;  // duplicate SOP instance: it has it already
  fake.status_of[objects[2].uid] = 0xA900;  // data set does not match SOP class
  PacsHarness source(
      [](config::GatewayConfig& c) {
        c.forward.destinations = {dicomDestination("central", "CENTRAL_ARCHIVE", 1)};
      },
      {}, withFakeSenders(fake));
  storeAll(source.port(), objects);

  pacs::ForwardQueue queue(source.config().pacs.db_path);
  ASSERT_TRUE(eventually([&] {
    return countInState(queue, "central", "SENT") == 2 &&
           countInState(queue, "central", "FAILED") == 1;
  }));
  const auto rows = queueRows(queue);
  for (const auto& object : {objects[0].uid, objects[1].uid}) {
    EXPECT_EQ(rows.at({object, "central"}).state, "SENT");
    EXPECT_EQ(rows.at({object, "central"}).attempts, 1);
  }
  const auto& dead = rows.at({objects[2].uid, "central"});
  EXPECT_EQ(dead.state, "FAILED");
  EXPECT_EQ(dead.attempts, 1);
  EXPECT_EQ(dead.last_error, "C-STORE status 0xA900: refused by the test");
  const auto backlog = queue.backlog();
  ASSERT_EQ(backlog.size(), 1u);
  EXPECT_EQ(backlog[0].failed, 1);
  EXPECT_EQ(backlog[0].last_error, dead.last_error);
  std::lock_guard lock(fake.mutex);
  for (const auto& object : objects) EXPECT_EQ(fake.sends[object.uid], 1) << object.uid;
}

// 5. The high-water mark through the service: short by a bit more than one image, retention
// purges the two oldest forwarded images (rows PURGED, files gone) and keeps the oldest of
// all, which a destination that is down still waits for.
TEST(Forwarding, TheHighWaterMarkPurgesTheOldestForwardedAndKeepsTheUnforwarded) {
  constexpr std::uint64_t kCapacity = 1000ULL * 1000 * 1000;
  constexpr std::uint64_t kWanted = kCapacity / 100 * 10;  // min_free_percent 10
  // The probe reports plenty of room (so the service's own pass at start purges nothing)
  // until the test sets how short the disk is.
  auto shortfall = std::make_shared<std::atomic<std::uint64_t>>(0);
  PacsHarness destination([](config::GatewayConfig& c) { c.pacs.aet = "CENTRAL_ARCHIVE"; });
  const std::uint16_t destination_port = destination.port();
  RefusingPort cloud_port;
  PacsHarness source(
      [&](config::GatewayConfig& c) {
        auto cloud = dicomDestination("cloud", "CLOUD", cloud_port.port());
        cloud.sop_classes = {kSc};
        c.forward.destinations = {dicomDestination("archive", "CENTRAL_ARCHIVE", destination_port),
                                  cloud};
        c.pacs.min_free_percent = 10;
        c.pacs.retention_interval = std::chrono::seconds(3600);
      },
      {},
      [shortfall](pacs::PacsService& service) {
        service.setDiskProbe([shortfall](const std::filesystem::path&) {
          const std::uint64_t short_by = shortfall->load();
          return std::optional<pacs::DiskSpace>(
              pacs::DiskSpace{kCapacity, short_by == 0 ? kCapacity / 2 : kWanted - short_by});
        });
      });
  // The Secondary Capture image first (the oldest of all): it goes to the archive and to the
  // cloud; the mammograms to the archive only.
  std::vector<Object> objects;
  objects.push_back(makeOne(kSc));
  for (int i = 0; i < 4; ++i) objects.push_back(makeOne(kMg));
  storeAll(source.port(), objects);

  pacs::ForwardQueue queue(source.config().pacs.db_path);
  ASSERT_TRUE(eventually([&] { return countInState(queue, "archive", "SENT") == 5; }));
  ASSERT_TRUE(eventually([&] {
    const auto rows = queueRows(queue);
    const auto it = rows.find({objects[0].uid, "cloud"});
    return it != rows.end() && it->second.state == "PENDING" && it->second.attempts >= 1;
  })) << "the cloud was meant to be tried and found down";
  EXPECT_EQ(queueRows(queue).size(), 6u);

  // Stored within the same second: spread their arrival over the last hour so "oldest" is
  // unambiguous (created_at has one-second resolution), in the order they were sent.
  {
    SQLite::Database db(source.config().pacs.db_path.string(), SQLite::OPEN_READWRITE);
    db.setBusyTimeout(5000);
    SQLite::Statement s(db,
                        "UPDATE stored_instances SET created_at = datetime('now', ?) "
                        "WHERE sop_instance_uid = ?");
    for (std::size_t i = 0; i < objects.size(); ++i) {
      s.bind(1, "-" + std::to_string(60 - 10 * i) + " minutes");
      s.bind(2, objects[i].uid);
      ASSERT_EQ(s.exec(), 1);
      s.reset();
    }
  }
  std::vector<std::filesystem::path> files;
  std::int64_t mammogram_size = 0;
  for (const auto& object : objects) {
    const auto row = source.row(object.uid);
    ASSERT_TRUE(row.has_value());
    files.push_back(source.storage() / row->storage_path);
    ASSERT_TRUE(std::filesystem::exists(files.back()));
    if (object.uid != objects[0].uid) {
      EXPECT_TRUE(mammogram_size == 0 || mammogram_size == row->file_size);
      mammogram_size = row->file_size;
    }
  }
  ASSERT_GT(mammogram_size, 0);
  // Short by one and a half mammograms: the two oldest forwarded ones make up for it.
  shortfall->store(static_cast<std::uint64_t>(mammogram_size + mammogram_size / 2));

  const auto report = source.service().applyRetentionNow();
  EXPECT_EQ(report.purged, 2);
  EXPECT_EQ(report.purged_bytes, 2 * mammogram_size);
  EXPECT_EQ(report.skipped, 0);
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const bool purged = i == 1 || i == 2;
    const auto row = source.row(objects[i].uid);
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->status, purged ? "PURGED" : "STORED") << i;
    EXPECT_EQ(std::filesystem::exists(files[i]), !purged) << i << " " << files[i];
  }
  // The unforwarded one is still waiting for the cloud, untouched.
  EXPECT_EQ(queueRows(queue).at({objects[0].uid, "cloud"}).state, "PENDING");
  // A second pass finds only the other forwarded ones (the disk still says short): it takes
  // them, never the unforwarded one.
  const auto again = source.service().applyRetentionNow();
  EXPECT_EQ(again.purged, 2);
  EXPECT_EQ(source.row(objects[0].uid)->status, "STORED");
  EXPECT_TRUE(std::filesystem::exists(files[0]));
}

// 6. `forward retry` from another process ends a destination-wide backoff: after three
// failed connections the destination waits about 4 s (retry_max_delay 600 caps nothing yet);
// once it is back, ForwardQueue::retryNow on a queue of its own (as the command opens it)
// has the instance SENT well before that wait would have ended.
TEST(Forwarding, ForwardRetryEndsADestinationWideBackoff) {
  FakeDestination fake;
  fake.reachable = false;
  pacs::ForwarderOptions options;
  options.idle_poll = std::chrono::milliseconds(200);
  PacsHarness source(
      [](config::GatewayConfig& c) {
        c.forward.destinations = {dicomDestination("central", "CENTRAL_ARCHIVE", 1)};
        c.forward.retry_max_delay = std::chrono::seconds(600);
      },
      {}, withFakeSenders(fake, options));
  std::vector<Object> objects;
  objects.push_back(makeOne());
  storeAll(source.port(), objects);

  pacs::ForwardQueue queue(source.config().pacs.db_path);
  // Three connection failures: waits of about 1 s and 2 s between them, then about 4 s.
  ForwardRow waiting;
  ASSERT_TRUE(eventually([&] {
    const auto rows = queue.list({});
    if (rows.size() != 1) return false;
    waiting = rows[0];
    return waiting.state == "PENDING" && waiting.attempts == 3;
  })) << "attempts: "
      << waiting.attempts;
  EXPECT_NE(waiting.last_error.find("unreachable"), std::string::npos) << waiting.last_error;
  const double backoff_ends = waiting.next_attempt_at;
  ASSERT_GT(backoff_ends - unixNow(), 2.5) << "the destination-wide wait was meant to be long";

  fake.reachable = true;
  pacs::ForwardQueue command_queue(source.config().pacs.db_path);
  EXPECT_EQ(command_queue.retryNow("central", false), 1);
  ASSERT_TRUE(eventually([&] { return countInState(queue, "central", "SENT") == 1; },
                         std::chrono::seconds(5)));
  EXPECT_LT(unixNow(), backoff_ends - 0.5) << "SENT only when the backoff would have ended";
  EXPECT_EQ(fake.prepares.load(), 4);
  EXPECT_EQ(queue.list({})[0].attempts, 4);
}

}  // namespace
}  // namespace gateway::test
