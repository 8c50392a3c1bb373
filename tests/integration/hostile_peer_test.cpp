// No single peer can take the unit down: each finding of the hostile-peer catalogue,
// reproduced on the wire with a peer that sends what no toolkit would, and the answer the
// gateway must give while it keeps serving everyone else.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <fstream>
#include <thread>

#include "common/dicom/dimse_status.h"
#include "common/logging/logging.h"
#include "tests/integration/mwl_harness.h"
#include "tests/integration/pacs_harness.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/raw_association.h"
#include "tests/support/store_client.h"

namespace gateway::test {
namespace {

namespace status = dicom::status;
using Clock = std::chrono::steady_clock;

const char* const kMg = UID_DigitalMammographyXRayImageStorageForPresentation;
const char* const kExplicit = UID_LittleEndianExplicitTransferSyntax;
const char* const kDeflated = UID_DeflatedExplicitVRLittleEndianTransferSyntax;
const char* const kWorklist = UID_FINDModalityWorklistInformationModel;
const char* const kMpps = UID_ModalityPerformedProcedureStepSOPClass;

// The SOP Class and Instance UID elements every stored dataset starts with.
Bytes identity(const std::string& instance) {
  return append(explicitElement(0x0008, 0x0016, "UI", std::string(kMg) + '\0'),
                explicitElement(0x0008, 0x0018, "UI", instance));
}

std::unique_ptr<RawAssociation> openPacs(std::uint16_t port,
                                         const std::string& transfer_syntax = kExplicit,
                                         const std::string& source = "127.0.0.1") {
  auto raw = std::make_unique<RawAssociation>(source);
  EXPECT_TRUE(raw->open(port, "SCREENING_PACS", "HOSTILE", {{1, kMg, transfer_syntax}}));
  return raw;
}

RawResponse storeRaw(RawAssociation& raw, const std::string& instance, const Bytes& dataset,
                     std::uint16_t message_id = 1) {
  EXPECT_TRUE(raw.sendCommand(1, storeCommand(message_id, kMg, instance)));
  EXPECT_TRUE(raw.sendDataset(1, dataset));
  auto response = raw.readResponse();
  EXPECT_TRUE(response.has_value()) << "no response: association lost";
  return response ? std::move(*response) : RawResponse{};
}

// After a refusal: nothing of the object anywhere, and the association still stores.
Bytes deflated(const Bytes& head, std::size_t zeros);

void expectNothingKeptAndStillServing(PacsHarness& pacs, RawAssociation& raw,
                                      bool deflate = false) {
  EXPECT_EQ(pacs.rowCount(), 0);
  EXPECT_EQ(pacs.storedFileCount(), 0u);
  EXPECT_EQ(pacs.temporaryFileCount(), 0u);
  auto good = makeObject({});
  OFString uid;
  good->findAndGetOFString(DCM_SOPInstanceUID, uid);
  const Bytes plain = encodeDataset(*good, EXS_LittleEndianExplicit);
  const auto ok = storeRaw(raw, uid.c_str(), deflate ? deflated(plain, 0) : plain, 99);
  EXPECT_EQ(ok.status, status::kSuccess) << ok.error_comment;
  EXPECT_EQ(pacs.rowCount(), 1);
}

std::size_t residentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0;
  std::size_t resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

// Raw deflate (PS3.5 A.5) of `head` followed by `zeros` zero bytes, without ever holding the
// inflated whole.
Bytes deflated(const Bytes& head, std::size_t zeros) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
  Bytes out;
  std::vector<std::uint8_t> buffer(1 << 16);
  const std::vector<std::uint8_t> block(1 << 20, 0);
  auto pump = [&](const std::uint8_t* data, std::size_t size, int flush) {
    z.next_in = const_cast<Bytef*>(data);
    z.avail_in = static_cast<uInt>(size);
    do {
      z.next_out = buffer.data();
      z.avail_out = static_cast<uInt>(buffer.size());
      deflate(&z, flush);
      out.insert(out.end(), buffer.data(), buffer.data() + (buffer.size() - z.avail_out));
    } while (z.avail_out == 0);
  };
  pump(head.data(), head.size(), Z_NO_FLUSH);
  for (std::size_t left = zeros; left > 0;) {
    const std::size_t take = std::min(left, block.size());
    left -= take;
    pump(block.data(), take, left == 0 ? Z_FINISH : Z_NO_FLUSH);
  }
  if (zeros == 0) pump(nullptr, 0, Z_FINISH);
  deflateEnd(&z);
  if (out.size() % 2 != 0) out.push_back(0);  // PDVs are even; PS3.5 A.5 pads with a zero
  return out;
}

// ---- 1. Deep nesting -------------------------------------------------------------------

TEST(HostilePeer, DeeplyNestedStoreIsRefusedAndEveryoneElseKeepsStoring) {
  PacsHarness pacs;
  // Another modality is mid-transfer on its own association while the attack arrives.
  std::atomic<std::uint16_t> bystander{0xFFFF};
  std::thread other([&] {
    TestScu scu(pacs.port());
    scu.propose({kMg}, {kExplicit});
    if (scu.connect().bad()) return;
    ObjectSpec big;
    big.rows = 2048;
    big.columns = 2048;  // 8 MiB of pixels
    auto ds = makeObject(big);
    bystander = scu.store(*ds).status;
    scu.releaseAssociation();
  });
  auto raw = openPacs(pacs.port());
  const std::string uid = newUid();
  const auto response = storeRaw(*raw, uid, nestedSequences(identity(uid), 6000));
  other.join();
  EXPECT_EQ(response.status, status::kCannotUnderstand);
  EXPECT_NE(response.error_comment.find("nested deeper than 64 levels at (0040,A730)"),
            std::string::npos)
      << response.error_comment;
  EXPECT_EQ(bystander.load(), status::kSuccess);
  EXPECT_EQ(pacs.rowCount(), 1);  // the bystander's object
  EXPECT_EQ(pacs.temporaryFileCount(), 0u);
  EXPECT_FALSE(pacs.row(uid).has_value());
}

TEST(HostilePeer, NestingLimitIsASetting) {
  PacsHarness pacs([](config::GatewayConfig& c) { c.network.max_nesting = 4; });
  auto raw = openPacs(pacs.port());
  const std::string uid = newUid();
  EXPECT_EQ(storeRaw(*raw, uid, nestedSequences(identity(uid), 5)).status,
            status::kCannotUnderstand);
  expectNothingKeptAndStillServing(pacs, *raw);
}

TEST(HostilePeer, DeeplyNestedQueryAndMppsAreRefusedOnAUsableAssociation) {
  MwlHarness mwl;
  RawAssociation raw;
  ASSERT_TRUE(raw.open(mwl.port(), "MWL_SCP", "HOSTILE",
                       {{1, kWorklist, kExplicit}, {3, kMpps, kExplicit}}));
  const Bytes deep = nestedSequences({}, 10000, 0x0040, 0x0100);
  ASSERT_TRUE(raw.sendCommand(1, findCommand(1, kWorklist, true)));
  ASSERT_TRUE(raw.sendDataset(1, deep));
  auto find = raw.readResponse();
  ASSERT_TRUE(find.has_value());
  EXPECT_EQ(find->status, status::kIdentifierDoesNotMatchSopClass);
  EXPECT_NE(find->error_comment.find("nested deeper"), std::string::npos) << find->error_comment;

  ASSERT_TRUE(raw.sendCommand(3, nCreateCommand(2, kMpps, newUid())));
  ASSERT_TRUE(raw.sendDataset(3, nestedSequences({}, 10000, 0x0040, 0x0270)));
  auto create = raw.readResponse();
  ASSERT_TRUE(create.has_value());
  EXPECT_EQ(create->status, status::kProcessingFailure);
  EXPECT_NE(create->error_comment.find("nested deeper"), std::string::npos);

  // The same association still answers a real query.
  DcmDataset query;
  query.putAndInsertString(DCM_PatientName, "");
  ASSERT_TRUE(raw.sendCommand(1, findCommand(4, kWorklist, true)));
  ASSERT_TRUE(raw.sendDataset(1, encodeDataset(query, EXS_LittleEndianExplicit)));
  auto good = raw.readResponse();
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(good->status, status::kSuccess);
  EXPECT_TRUE(raw.release());
}

// ---- 2. Decoded size -------------------------------------------------------------------

TEST(HostilePeer, DeflateBombIsStoppedAtTheCapWithoutGrowingTheProcess) {
  PacsHarness pacs([](config::GatewayConfig& c) { c.pacs.max_object_size = 16ULL << 20; });
  auto raw = openPacs(pacs.port(), kDeflated);
  ASSERT_EQ(raw->accepted().size(), 1u);
  // 256 MiB that deflate to a few hundred KiB: once as Pixel Data that declares its size
  // (refused on its header), once as bytes that declare nothing (refused when the inflated
  // count passes the cap, while inflating).
  const std::string declared_uid = newUid();
  const Bytes declared =
      deflated(append(identity(declared_uid), explicitLongHeader(0x7FE0, 0x0010, "OB", 256U << 20)),
               256U << 20);
  const std::string stream_uid = newUid();
  const Bytes undeclared = deflated(identity(stream_uid), 256U << 20);
  ASSERT_LT(undeclared.size(), 1U << 20);
  const std::size_t before = residentBytes();
  const auto first = storeRaw(*raw, declared_uid, declared, 1);
  const auto second = storeRaw(*raw, stream_uid, undeclared, 2);
  const std::size_t after = residentBytes();
  for (const auto* response : {&first, &second}) {
    EXPECT_EQ(response->status, status::kOutOfResources);
    EXPECT_NE(response->error_comment.find("larger than PACS_MAX_OBJECT_SIZE"), std::string::npos)
        << response->error_comment;
  }
  EXPECT_LT(after, before + (40U << 20)) << "grew by " << (after - before) / (1 << 20) << " MiB";
  expectNothingKeptAndStillServing(pacs, *raw, true);
}

TEST(HostilePeer, DeflatedObjectWithinTheCapIsStoredAsSent) {
  PacsHarness pacs;
  auto raw = openPacs(pacs.port(), kDeflated);
  auto object = makeObject({});
  OFString uid;
  object->findAndGetOFString(DCM_SOPInstanceUID, uid);
  const Bytes plain = encodeDataset(*object, EXS_LittleEndianExplicit);
  const Bytes sent = deflated(plain, 0);
  const auto response = storeRaw(*raw, uid.c_str(), sent);
  ASSERT_EQ(response.status, status::kSuccess) << response.error_comment;
  const auto row = pacs.row(uid.c_str());
  ASSERT_TRUE(row.has_value());
  std::ifstream file(pacs.storage() / row->storage_path, std::ios::binary);
  const Bytes stored((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  ASSERT_GT(stored.size(), sent.size());
  EXPECT_TRUE(std::equal(sent.begin(), sent.end(), stored.end() - static_cast<long>(sent.size())));
  EXPECT_EQ(row->metadata.transfer_syntax_uid, kDeflated);
}

TEST(HostilePeer, OversizedQueryAndMppsDatasetsAreRefusedBeforeTheyAreHeld) {
  MwlHarness mwl([](config::GatewayConfig& c) {
    c.mwl.max_query_size = 64 * 1024;
    c.mwl.max_mpps_dataset_size = 64 * 1024;
  });
  RawAssociation raw;
  ASSERT_TRUE(raw.open(mwl.port(), "MWL_SCP", "HOSTILE",
                       {{1, kWorklist, kExplicit}, {3, kMpps, kExplicit}}));
  // An identifier element that declares 0xFFFFFFF0 bytes: refused on its header.
  ASSERT_TRUE(raw.sendCommand(1, findCommand(1, kWorklist, true)));
  ASSERT_TRUE(raw.sendDataset(
      1, append(explicitLongHeader(0x0010, 0x0010, "UN", 0xFFFFFFF0), Bytes(1000, 'A'))));
  auto declared = raw.readResponse();
  ASSERT_TRUE(declared.has_value());
  EXPECT_EQ(declared->status, status::kOutOfResources);
  EXPECT_NE(declared->error_comment.find("larger than MWL_MAX_QUERY_SIZE: 4294967280 bytes"),
            std::string::npos)
      << declared->error_comment;
  // An identifier that really is larger than the cap.
  ASSERT_TRUE(raw.sendCommand(1, findCommand(2, kWorklist, true)));
  ASSERT_TRUE(
      raw.sendDataset(1, explicitElement(0x0010, 0x4000, "UT", std::string(200 * 1024, 'x'))));
  auto big = raw.readResponse();
  ASSERT_TRUE(big.has_value());
  EXPECT_EQ(big->status, status::kOutOfResources);
  EXPECT_NE(big->error_comment.find("MWL_MAX_QUERY_SIZE"), std::string::npos) << big->error_comment;
  // A 1 MiB N-CREATE: refused, nothing recorded.
  const std::string step = newUid();
  ASSERT_TRUE(raw.sendCommand(3, nCreateCommand(3, kMpps, step)));
  ASSERT_TRUE(raw.sendDataset(3, explicitElement(0x0040, 0x0280, "UT", std::string(1 << 20, 'y'))));
  auto create = raw.readResponse();
  ASSERT_TRUE(create.has_value());
  EXPECT_EQ(create->status, status::kResourceLimitation);
  EXPECT_NE(create->error_comment.find("MPPS_MAX_DATASET_SIZE"), std::string::npos);
  EXPECT_TRUE(raw.release());
}

// ---- 3. Truncated objects --------------------------------------------------------------

TEST(HostilePeer, TruncatedPixelDataIsRefusedNotArchived) {
  PacsHarness pacs;
  auto raw = openPacs(pacs.port());
  for (const std::uint32_t declared : {1048576U, 0xFFFFFFF0U}) {
    const std::string uid = newUid();
    Bytes dataset = append(identity(uid), explicitLongHeader(0x7FE0, 0x0010, "OW", declared));
    dataset.resize(dataset.size() + 1000, 0x55);
    const auto response = storeRaw(*raw, uid, dataset);
    EXPECT_EQ(response.status, status::kCannotUnderstand);
    EXPECT_NE(response.error_comment.find("dataset truncated in (7FE0,0010): " +
                                          std::to_string(declared) + " bytes declared"),
              std::string::npos)
        << response.error_comment;
  }
  // A sequence left open is truncated too.
  const std::string uid = newUid();
  Bytes open_sequence = nestedSequences(identity(uid), 3);
  open_sequence.resize(open_sequence.size() - 8);
  const auto response = storeRaw(*raw, uid, open_sequence);
  EXPECT_EQ(response.status, status::kCannotUnderstand);
  EXPECT_NE(response.error_comment.find("not closed"), std::string::npos);
  expectNothingKeptAndStillServing(pacs, *raw);
}

// ---- 6. Smaller wrong answers ----------------------------------------------------------

TEST(HostilePeer, BadAffectedSopInstanceUidsGetAStatusNotAnAbort) {
  PacsHarness pacs;
  auto raw = openPacs(pacs.port());
  const Bytes dataset = identity("1.2.3");
  for (const std::string& bad : {std::string(), std::string(65, '1')}) {
    const auto response = storeRaw(*raw, bad, dataset);
    EXPECT_EQ(response.status, status::kCannotUnderstand);
    EXPECT_NE(response.error_comment.find("Affected SOP Instance UID"), std::string::npos)
        << response.error_comment;
  }
  expectNothingKeptAndStillServing(pacs, *raw);
}

TEST(HostilePeer, GarbageInsteadOfADatasetIsSaidToBeUnparseable) {
  PacsHarness pacs;
  auto raw = openPacs(pacs.port());
  const std::string uid = newUid();
  const std::string junk = "this is not a DICOM dataset at all, just text.....";  // even
  const auto response = storeRaw(*raw, uid, Bytes(junk.begin(), junk.end()));
  EXPECT_EQ(response.status, status::kCannotUnderstand);
  EXPECT_EQ(response.error_comment.find("dataset has no SOP Instance UID"), std::string::npos);
  EXPECT_EQ(response.error_comment.rfind("dataset ", 0), 0u) << response.error_comment;
  expectNothingKeptAndStillServing(pacs, *raw);
}

TEST(HostilePeer, FindWithoutIdentifierAndBadMppsUidsGetTheirStatus) {
  MwlHarness mwl;
  RawAssociation raw;
  ASSERT_TRUE(raw.open(mwl.port(), "MWL_SCP", "HOSTILE",
                       {{1, kWorklist, kExplicit}, {3, kMpps, kExplicit}}));
  ASSERT_TRUE(raw.sendCommand(1, findCommand(1, kWorklist, false)));
  auto find = raw.readResponse();
  ASSERT_TRUE(find.has_value());
  EXPECT_EQ(find->status, status::kIdentifierDoesNotMatchSopClass);
  EXPECT_NE(find->error_comment.find("without an identifier"), std::string::npos);

  DcmDataset attributes;
  attributes.putAndInsertString(DCM_PerformedProcedureStepStatus, "IN PROGRESS");
  const Bytes encoded = encodeDataset(attributes, EXS_LittleEndianExplicit);
  const std::string too_long = "1.2." + std::string(70, '3');
  ASSERT_TRUE(raw.sendCommand(3, nCreateCommand(2, kMpps, too_long)));
  ASSERT_TRUE(raw.sendDataset(3, encoded));
  auto create = raw.readResponse();
  ASSERT_TRUE(create.has_value());
  EXPECT_EQ(create->status, status::kInvalidObjectInstance);
  EXPECT_TRUE(create->affected_sop_instance_uid.empty());  // never renamed

  ASSERT_TRUE(raw.sendCommand(3, nSetCommand(3, kMpps, "1.2.x.4")));
  ASSERT_TRUE(raw.sendDataset(3, encoded));
  auto set = raw.readResponse();
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->status, status::kInvalidObjectInstance);
  EXPECT_TRUE(raw.release());
}

TEST(HostilePeer, InvalidUtf8InAUtf8QuerySaysWhichAttribute) {
  MwlHarness mwl;
  RawAssociation raw;
  ASSERT_TRUE(raw.open(mwl.port(), "MWL_SCP", "HOSTILE", {{1, kWorklist, kExplicit}}));
  Bytes identifier = explicitElement(0x0008, 0x0005, "CS", "ISO_IR 192");
  identifier = append(identifier, explicitElement(0x0010, 0x0010, "PN", "M\xC3\x28LLER"));
  ASSERT_TRUE(raw.sendCommand(1, findCommand(1, kWorklist, true)));
  ASSERT_TRUE(raw.sendDataset(1, identifier));
  auto find = raw.readResponse();
  ASSERT_TRUE(find.has_value());
  EXPECT_EQ(find->status, status::kIdentifierDoesNotMatchSopClass);
  EXPECT_NE(find->error_comment.find("invalid UTF-8 in PatientName (0010,0010)"), std::string::npos)
      << find->error_comment;
}

TEST(HostilePeer, PeerTextIsEscapedInTheLog) {
  logging::initLogging("info");
  auto captured = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256);
  logging::addSink(captured);
  struct SinkGuard {
    spdlog::sink_ptr sink;
    ~SinkGuard() { logging::removeSink(sink); }
  } guard{captured};
  PacsHarness pacs;
  RawAssociation raw;
  raw.open(pacs.port(), "SCREENING_PACS", "EVIL\nINFO x\xFF", {{1, kMg, kExplicit}});
  raw.release();
  pacs.stop();
  bool escaped = false;
  for (const auto& line : captured->last_formatted()) {
    std::string body = line;
    if (!body.empty() && body.back() == '\n') body.pop_back();
    EXPECT_EQ(body.find('\n'), std::string::npos) << line;
    EXPECT_EQ(body.find('\xFF'), std::string::npos) << line;
    if (body.find("calling=EVIL\\x0AINFO x\\xFF") != std::string::npos) escaped = true;
  }
  EXPECT_TRUE(escaped);
}

// ---- 4. Admission ----------------------------------------------------------------------

TEST(HostilePeer, SilentSocketsFromOneHostDoNotLockOthersOut) {
  PacsHarness pacs([](config::GatewayConfig& c) {
    c.network.max_associations = 4;
    c.network.max_pending_per_address = 8;
    c.network.acse_timeout = std::chrono::seconds(10);
  });
  std::vector<int> silent;
  for (int i = 0; i < 40; ++i) {
    const int fd = connectFrom("127.0.0.2", pacs.port());
    ASSERT_GE(fd, 0);
    silent.push_back(fd);
  }
  // Another host's modality is served at once, every time.
  const auto started = Clock::now();
  for (int i = 0; i < 10; ++i) {
    TestScu scu(pacs.port());
    scu.propose({kMg}, {kExplicit});
    ASSERT_TRUE(scu.connect().good()) << "attempt " << i;
    auto ds = makeObject({});
    EXPECT_EQ(scu.store(*ds).status, status::kSuccess);
    scu.releaseAssociation();
  }
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(5));
  // The silent host got its share of pending slots; the rest were closed at once.
  int closed = 0;
  for (const int fd : silent) {
    char byte;
    if (::recv(fd, &byte, 1, MSG_DONTWAIT) == 0) ++closed;
    ::close(fd);
  }
  EXPECT_EQ(closed, 32);
}

TEST(HostilePeer, OneAddressGetsOnlyItsShareOfAssociations) {
  PacsHarness pacs([](config::GatewayConfig& c) {
    c.network.max_associations = 4;
    c.network.max_associations_per_address = 2;
  });
  std::vector<std::unique_ptr<RawAssociation>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<RawAssociation>("127.0.0.2"));
    ASSERT_TRUE(held.back()->open(pacs.port(), "SCREENING_PACS", "GREEDY", {{1, kMg, kExplicit}}));
  }
  RawAssociation third("127.0.0.2");
  EXPECT_FALSE(third.open(pacs.port(), "SCREENING_PACS", "GREEDY", {{1, kMg, kExplicit}}));
  EXPECT_TRUE(third.rejected());
  EXPECT_EQ(third.rejectResult(), 2);  // transient
  EXPECT_EQ(third.rejectReason(), 2);  // local limit exceeded
  RawAssociation other_host("127.0.0.3");
  EXPECT_TRUE(other_host.open(pacs.port(), "SCREENING_PACS", "MAMMO2", {{1, kMg, kExplicit}}));
  EXPECT_TRUE(other_host.release());
  for (auto& raw : held) EXPECT_TRUE(raw->release());
}

TEST(HostilePeer, RepeatedRefusalsAreSummarisedNotLoggedEachTime) {
  logging::initLogging("info");
  auto captured = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(4096);
  logging::addSink(captured);
  struct SinkGuard {
    spdlog::sink_ptr sink;
    ~SinkGuard() { logging::removeSink(sink); }
  } guard{captured};
  PacsHarness pacs;
  const std::string http = "GET / HTTP/1.1\r\n\r\n";
  for (int i = 0; i < 300; ++i) {
    const int fd = connectFrom("127.0.0.4", pacs.port());
    ASSERT_GE(fd, 0);
    ::send(fd, http.data(), http.size(), MSG_NOSIGNAL);
    char byte;
    pollfd pfd{fd, POLLIN, 0};
    ::poll(&pfd, 1, 2000);
    ::recv(fd, &byte, 1, 0);
    ::close(fd);
  }
  pacs.stop();  // flushes the summary
  int lines = 0;
  bool summary = false;
  for (const auto& line : captured->last_formatted()) {
    if (line.find("127.0.0.4") == std::string::npos) continue;
    ++lines;
    if (line.find("suppressed 299 repeats") != std::string::npos) summary = true;
  }
  EXPECT_LE(lines, 3);
  EXPECT_TRUE(summary);
}

}  // namespace
}  // namespace gateway::test
