// Only known machines get in: the allow-lists on the wire, from several loopback addresses
// (127.0.0.2, 127.0.0.3, ...), against the real services in-process. A refusal is an
// A-ASSOCIATE-RJ permanent, service user, "calling AE title not recognized" (1, 1, 3),
// whichever check failed; the log line (once, escaped) says which.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include "common/dicom/known_ae_target.h"
#include "common/logging/logging.h"
#include "tests/integration/mwl_harness.h"
#include "tests/integration/pacs_harness.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/raw_association.h"
#include "tests/support/store_client.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {
namespace {

const char* const kExplicit = UID_LittleEndianExplicitTransferSyntax;
const char* const kWorklist = UID_FINDModalityWorklistInformationModel;
const char* const kMpps = UID_ModalityPerformedProcedureStepSOPClass;
const char* const kMg = UID_DigitalMammographyXRayImageStorageForPresentation;
const char* const kEcho = UID_VerificationSOPClass;

// Captures every log line while it lives.
class CapturedLog {
 public:
  CapturedLog() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(4096)) {
    logging::initLogging("info");
    logging::addSink(sink_);
  }
  ~CapturedLog() { logging::removeSink(sink_); }
  // Lines containing every one of `parts`.
  std::vector<std::string> lines(const std::vector<std::string>& parts) const {
    std::vector<std::string> out;
    for (const auto& line : sink_->last_formatted()) {
      bool all = true;
      for (const auto& p : parts) all = all && line.find(p) != std::string::npos;
      if (all) out.push_back(line);
    }
    return out;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

config::KnownAe known(const std::string& title, const std::vector<std::string>& addresses,
                      config::ServiceSet services = config::ServiceSet::all()) {
  config::KnownAe ae;
  ae.ae_title = title;
  for (const auto& a : addresses) ae.addresses.push_back(*config::Ipv4Range::parse(a));
  ae.services = services;
  return ae;
}

// The three refusal fields of PS3.8 9.3.4: permanent, service user, calling AE title not
// recognized.
void expectCallingAeRefusal(const RawAssociation& raw, const std::string& what) {
  EXPECT_TRUE(raw.rejected()) << what;
  EXPECT_EQ(raw.rejectResult(), 1) << what;
  EXPECT_EQ(raw.rejectSource(), 1) << what;
  EXPECT_EQ(raw.rejectReason(), 3) << what;
}

const std::vector<ProposedContext> kMwlContexts = {
    {1, kEcho, kExplicit}, {3, kWorklist, kExplicit}, {5, kMpps, kExplicit}};

TEST(AccessControl, AKnownAeIsAcceptedFromItsAddressOnly) {
  CapturedLog log;
  MwlHarness mwl([](config::GatewayConfig& c) {
    c.mwl.access = config::AccessPolicy::kKnownAes;
    c.known_aes = {known("MAMMO1", {"127.0.0.2"}), known("MAMMO2", {"127.0.0.8/29"})};
  });
  {
    RawAssociation raw("127.0.0.2");
    ASSERT_TRUE(raw.open(mwl.port(), "MWL_SCP", "MAMMO1", kMwlContexts));
    EXPECT_EQ(raw.accepted(), (std::vector<std::uint8_t>{1, 3, 5}));
    EXPECT_TRUE(raw.release());
  }
  {
    RawAssociation raw("127.0.0.13");  // inside MAMMO2's 127.0.0.8/29
    EXPECT_TRUE(raw.open(mwl.port(), "MWL_SCP", "MAMMO2", kMwlContexts));
    EXPECT_TRUE(raw.release());
  }
  {
    RawAssociation raw("127.0.0.3");
    EXPECT_FALSE(raw.open(mwl.port(), "MWL_SCP", "MAMMO1", kMwlContexts));
    expectCallingAeRefusal(raw, "MAMMO1 from 127.0.0.3");
  }
  {
    RawAssociation raw("127.0.0.2");
    EXPECT_FALSE(raw.open(mwl.port(), "MWL_SCP", "STRANGER", kMwlContexts));
    expectCallingAeRefusal(raw, "unknown AE");
  }
  EXPECT_EQ(log.lines({"association rejected service=mwl", "peer=127.0.0.3", "calling=MAMMO1",
                       "reason=\"address not allowed for this AE title\""})
                .size(),
            1u);
  EXPECT_EQ(log.lines({"association rejected service=mwl", "peer=127.0.0.2", "calling=STRANGER",
                       "reason=\"calling AE title not in known_aes\""})
                .size(),
            1u);
  EXPECT_TRUE(log.lines({"association rejected", "calling=MAMMO1", "peer=127.0.0.2"}).empty());
}

TEST(AccessControl, EachRefusalIsLoggedOnceHoweverOftenItIsRepeated) {
  CapturedLog log;
  {
    MwlHarness mwl([](config::GatewayConfig& c) {
      c.mwl.access = config::AccessPolicy::kKnownAes;
      c.known_aes = {known("MAMMO1", {"127.0.0.2"})};
    });
    for (int i = 0; i < 5; ++i) {
      RawAssociation raw("127.0.0.4");
      EXPECT_FALSE(raw.open(mwl.port(), "MWL_SCP", "MAMMO1", kMwlContexts));
      expectCallingAeRefusal(raw, "attempt " + std::to_string(i));
    }
  }  // stopping flushes the summary of the suppressed repeats
  EXPECT_EQ(log.lines({"association rejected", "peer=127.0.0.4", "calling=MAMMO1"}).size(), 2u);
  EXPECT_EQ(log.lines({"suppressed 4 repeats", "peer=127.0.0.4", "calling=MAMMO1"}).size(), 1u);
}

TEST(AccessControl, PeerTextInARefusalIsEscaped) {
  CapturedLog log;
  MwlHarness mwl([](config::GatewayConfig& c) {
    c.mwl.access = config::AccessPolicy::kKnownAes;
    c.known_aes = {known("MAMMO1", {"127.0.0.2"})};
  });
  RawAssociation raw("127.0.0.5");
  EXPECT_FALSE(raw.open(mwl.port(), "MWL_SCP", "EVIL\nWARN x\xFF", kMwlContexts));
  expectCallingAeRefusal(raw, "forged title");
  EXPECT_EQ(log.lines({"peer=127.0.0.5", "calling=EVIL\\x0AWARN x\\xFF"}).size(), 1u);
  for (const auto& line : log.lines({"peer=127.0.0.5"})) {
    std::string body = line;
    if (!body.empty() && body.back() == '\n') body.pop_back();
    EXPECT_EQ(body.find('\n'), std::string::npos) << line;
  }
}

TEST(AccessControl, CalledAeAliasesAreAcceptedAndOtherTitlesAreNot) {
  MwlHarness mwl([](config::GatewayConfig& c) { c.mwl.aet_aliases = {"SCREENING_MWL"}; });
  {
    RawAssociation raw("127.0.0.2");
    EXPECT_TRUE(raw.open(mwl.port(), "SCREENING_MWL", "EMULATOR", kMwlContexts));
    EXPECT_TRUE(raw.release());
  }
  {
    RawAssociation raw("127.0.0.2");
    EXPECT_TRUE(raw.open(mwl.port(), "MWL_SCP", "EMULATOR", kMwlContexts));
    EXPECT_TRUE(raw.release());
  }
  RawAssociation raw("127.0.0.2");
  EXPECT_FALSE(raw.open(mwl.port(), "OTHER_MWL", "EMULATOR", kMwlContexts));
  EXPECT_TRUE(raw.rejected());
  EXPECT_EQ(raw.rejectResult(), 1);
  EXPECT_EQ(raw.rejectSource(), 1);
  EXPECT_EQ(raw.rejectReason(), 7);  // called AE title not recognized
}

TEST(AccessControl, AnAeIsOfferedOnlyTheServicesItMayUse) {
  MwlHarness mwl([](config::GatewayConfig& c) {
    c.mwl.access = config::AccessPolicy::kKnownAes;
    c.known_aes = {known("QUERY_ONLY", {}, {config::AeService::kWorklist}),
                   known("MODALITY", {}, {config::AeService::kStore})};
  });
  RawAssociation raw("127.0.0.2");
  ASSERT_TRUE(raw.open(mwl.port(), "MWL_SCP", "QUERY_ONLY", kMwlContexts));
  EXPECT_EQ(raw.accepted(), (std::vector<std::uint8_t>{1, 3}));  // echo and worklist, no MPPS
  EXPECT_TRUE(raw.release());
  // Allowed nothing this port offers: refused like an unknown AE.
  RawAssociation store_only("127.0.0.2");
  EXPECT_FALSE(store_only.open(mwl.port(), "MWL_SCP", "MODALITY", kMwlContexts));
  expectCallingAeRefusal(store_only, "store-only AE on the worklist port");
}

TEST(AccessControl, KnownAddressesAdmitAnyTitleFromAListedAddress) {
  CapturedLog log;
  PacsHarness pacs([](config::GatewayConfig& c) {
    c.pacs.access = config::AccessPolicy::kKnownAddresses;
    c.known_aes = {known("MAMMO1", {"127.0.0.2"})};
  });
  const std::vector<ProposedContext> contexts = {{1, kMg, kExplicit}};
  {
    RawAssociation raw("127.0.0.2");
    EXPECT_TRUE(raw.open(pacs.port(), "SCREENING_PACS", "ANY_TITLE", contexts));
    EXPECT_TRUE(raw.release());
  }
  RawAssociation raw("127.0.0.6");
  EXPECT_FALSE(raw.open(pacs.port(), "SCREENING_PACS", "MAMMO1", contexts));
  expectCallingAeRefusal(raw, "unlisted address");
  EXPECT_EQ(log.lines({"association rejected service=pacs", "peer=127.0.0.6", "calling=MAMMO1",
                       "reason=\"address not in known_aes\""})
                .size(),
            1u);
}

TEST(AccessControl, OpenLetsEveryoneInAsBefore) {
  PacsHarness pacs;
  RawAssociation raw("127.0.0.9");
  EXPECT_TRUE(raw.open(pacs.port(), "SCREENING_PACS", "WHOEVER", {{1, kMg, kExplicit}}));
  EXPECT_TRUE(raw.release());
}

TEST(AccessControl, AnAeThatMayRetrieveButNotStoreGetsItsCGetButCannotStore) {
  // WORKSTATION may retrieve (C-GET receives on its own association, as storage SCP) but
  // not store; MAMMO1 stores.
  auto workstation = known("WORKSTATION", {"127.0.0.1"}, {config::AeService::kRetrieve});
  workstation.host = "127.0.0.1";
  workstation.port = 11112;
  const auto table = std::make_shared<dicom::RemoteAeTable>(
      std::vector<config::KnownAe>{workstation, known("MAMMO1", {"127.0.0.1"})});
  PacsHarness pacs(
      [&](config::GatewayConfig& c) {
        c.pacs.access = config::AccessPolicy::kKnownAes;
        c.known_aes = table->entries();
      },
      [table](const std::string& aet) { return dicom::knownAeTarget(*table, aet, {}); });
  const std::vector<std::string> ts = {UID_LittleEndianExplicitTransferSyntax};
  auto object = makeObject({});
  OFString uid;
  object->findAndGetOFString(DCM_SOPInstanceUID, uid);
  DcmDataset identifier;
  object->findAndGetOFString(DCM_StudyInstanceUID, uid);
  identifier.putAndInsertString(DCM_QueryRetrieveLevel, "STUDY");
  identifier.putAndInsertString(DCM_StudyInstanceUID, uid.c_str());
  {
    TestScu mammo(pacs.port(), "SCREENING_PACS", "MAMMO1");
    mammo.propose({kMg}, ts);
    ASSERT_TRUE(mammo.connect().good());
    EXPECT_EQ(mammo.store(*object).status, 0x0000);
    mammo.releaseAssociation();
  }
  // Proposed as a plain storage SCU: no context for it at all.
  TestScu as_store(pacs.port(), "SCREENING_PACS", "WORKSTATION");
  as_store.propose({kMg}, ts);
  EXPECT_TRUE(as_store.connect().bad());

  TempDir into;
  DcmSCU get;
  get.setAETitle("WORKSTATION");
  get.setPeerHostName("127.0.0.1");
  get.setPeerPort(pacs.port());
  get.setPeerAETitle("SCREENING_PACS");
  get.setACSETimeout(10);
  get.setDIMSETimeout(30);
  get.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  get.setStorageDir(into.path().c_str());
  get.setStorageMode(DCMSCU_STORAGE_DISK);
  OFList<OFString> syntaxes;
  syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
  get.addPresentationContext(UID_GETStudyRootQueryRetrieveInformationModel, syntaxes);
  get.addPresentationContext(kMg, syntaxes, ASC_SC_ROLE_SCP);
  ASSERT_TRUE(get.initNetwork().good());
  ASSERT_TRUE(get.negotiateAssociation().good());
  OFList<RetrieveResponse*> responses;
  ASSERT_TRUE(get.sendCGETRequest(get.findPresentationContextID(
                                      UID_GETStudyRootQueryRetrieveInformationModel, ""),
                                  &identifier, &responses)
                  .good());
  ASSERT_FALSE(responses.empty());
  EXPECT_EQ(responses.back()->m_status, 0x0000);
  EXPECT_EQ(responses.back()->m_numberOfCompletedSubops, 1);
  for (auto* r : responses) delete r;
  EXPECT_EQ(countFiles(into.path()), 1u);
  get.releaseAssociation();
  // On a context it receives on, it may not send: 0x0124, nothing stored.
  RawAssociation raw;
  ASSERT_TRUE(raw.open(
      pacs.port(), "SCREENING_PACS", "WORKSTATION",
      {{1, UID_GETStudyRootQueryRetrieveInformationModel, kExplicit}, {3, kMg, kExplicit, true}}));
  EXPECT_EQ(raw.accepted(), (std::vector<std::uint8_t>{1, 3}));
  auto another = makeObject({});
  OFString another_uid;
  another->findAndGetOFString(DCM_SOPInstanceUID, another_uid);
  ASSERT_TRUE(raw.sendCommand(3, storeCommand(1, kMg, another_uid.c_str())));
  ASSERT_TRUE(raw.sendDataset(3, encodeDataset(*another, EXS_LittleEndianExplicit)));
  const auto response = raw.readResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 0x0124) << response->error_comment;
  EXPECT_EQ(pacs.rowCount(), 1);
  raw.release();
}

// Counts the pending C-FIND responses of one query from `source` as `calling`.
int worklistMatches(std::uint16_t port, const std::string& source, const std::string& calling) {
  RawAssociation raw(source);
  if (!raw.open(port, "MWL_SCP", calling, {{3, kWorklist, kExplicit}})) return -1;
  DcmDataset query;
  query.putAndInsertString(DCM_PatientName, "");
  query.putAndInsertString(DCM_AccessionNumber, "");
  DcmItem* step = nullptr;
  query.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, step, -2);
  step->putAndInsertString(DCM_ScheduledProcedureStepStartDate, "20261128");
  step->putAndInsertString(DCM_Modality, "MG");
  if (!raw.sendCommand(3, findCommand(1, kWorklist, true))) return -1;
  if (!raw.sendDataset(3, encodeDataset(query, EXS_LittleEndianExplicit))) return -1;
  int pending = 0;
  while (auto response = raw.readResponse()) {
    if (response->status != 0xFF00 && response->status != 0xFF01) break;
    ++pending;
  }
  raw.release();
  return pending;
}

TEST(AccessControl, WithCallingAetAsStationAKnownAeSeesOnlyItsStationsItems) {
  // The documented combination (README, conformance statement): the allow-list proves who
  // calls, MWL_CALLING_AET_AS_STATION then limits the answers to that station's items.
  MwlHarness mwl([](config::GatewayConfig& c) {
    c.mwl.access = config::AccessPolicy::kKnownAes;
    c.mwl.calling_aet_as_station = true;
    c.known_aes = {known("MAMMO1", {"127.0.0.2"}), known("MAMMO2", {"127.0.0.3"})};
  });
  mwl.add(appointment("A1"));
  mwl.add(appointment("A2"));
  auto other = appointment("B1");
  other.scheduled_station_aet = "MAMMO2";
  mwl.add(other);
  EXPECT_EQ(worklistMatches(mwl.port(), "127.0.0.2", "MAMMO1"), 2);
  EXPECT_EQ(worklistMatches(mwl.port(), "127.0.0.3", "MAMMO2"), 1);
  EXPECT_EQ(worklistMatches(mwl.port(), "127.0.0.3", "MAMMO1"), -1);  // not from there
}

}  // namespace
}  // namespace gateway::test
