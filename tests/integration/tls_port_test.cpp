// DICOM TLS on the wire, in-process: plain and TLS ports side by side, mutual TLS, a
// certificate tied to a known AE, the busy answer through TLS, a C-STORE through TLS, and a
// handshake that stalls being dropped at the deadline while others are served. Certificates
// come from a throw-away PKI made by the test.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "common/dicom/echo_client.h"
#include "common/dicom/outbound_association.h"
#include "common/dicom/scu_setup.h"
#include "common/logging/logging.h"
#include "tests/integration/mwl_harness.h"
#include "tests/integration/pacs_harness.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/raw_association.h"
#include "tests/support/test_pki.h"

namespace gateway::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTimeout = std::chrono::seconds(10);

class TlsPort : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new TestPki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  // The gateway's TLS settings; the PACS also gets a TLS port (ephemeral in the harness).
  static void withTls(config::GatewayConfig& c, bool verify_peer = false) {
    c.pacs.tls_port = 1;
    c.tls.cert = pki_->server().cert;
    c.tls.key = pki_->server().key;
    c.tls.ca = pki_->caCert();
    c.tls.verify_peer = verify_peer;
  }

  // A modality's TLS: trusts the site CA, shows `identity` (or nothing).
  static dicom::TlsClientSettings modality(const TestPki::Pair* identity) {
    dicom::TlsClientSettings tls;
    tls.trust = pki_->caCert();
    if (identity != nullptr) {
      tls.cert = identity->cert;
      tls.key = identity->key;
    }
    return tls;
  }

  static dicom::EchoResult echo(std::uint16_t port, const dicom::TlsClientSettings* tls,
                                const std::string& calling = "MAMMO1") {
    return dicom::sendEcho("127.0.0.1", port, calling, "SCREENING_PACS", kTimeout, tls);
  }

  static TestPki* pki_;
};

TestPki* TlsPort::pki_ = nullptr;

TEST_F(TlsPort, PlainAndTlsPortsServeSideBySide) {
  PacsHarness pacs([](config::GatewayConfig& c) { withTls(c); });
  ASSERT_NE(pacs.tlsPort(), 0);
  ASSERT_NE(pacs.tlsPort(), pacs.port());
  const auto tls = modality(nullptr);
  EXPECT_TRUE(echo(pacs.port(), nullptr).ok) << echo(pacs.port(), nullptr).error;
  const auto secure = echo(pacs.tlsPort(), &tls);
  EXPECT_TRUE(secure.ok) << secure.error;
  // Each port speaks only its own protocol.
  EXPECT_FALSE(echo(pacs.tlsPort(), nullptr).ok);
  EXPECT_FALSE(echo(pacs.port(), &tls).ok);
  // And the service still answers both afterwards.
  EXPECT_TRUE(echo(pacs.tlsPort(), &tls).ok);
  EXPECT_TRUE(echo(pacs.port(), nullptr).ok);
}

TEST_F(TlsPort, AClientVerifiesTheServerAgainstItsCa) {
  PacsHarness pacs([](config::GatewayConfig& c) { withTls(c); });
  dicom::TlsClientSettings wrong_ca;
  wrong_ca.trust = pki_->otherCaCert();
  const auto result = echo(pacs.tlsPort(), &wrong_ca);
  EXPECT_FALSE(result.ok);
}

TEST_F(TlsPort, MutualTlsAcceptsTheCasClientsOnly) {
  PacsHarness pacs([](config::GatewayConfig& c) { withTls(c, true); });
  const auto with_cert = modality(&pki_->client());
  const auto result = echo(pacs.tlsPort(), &with_cert);
  EXPECT_TRUE(result.ok) << result.error;
  const auto without = modality(nullptr);
  EXPECT_FALSE(echo(pacs.tlsPort(), &without).ok);
  const auto stranger = modality(&pki_->otherClient());
  EXPECT_FALSE(echo(pacs.tlsPort(), &stranger).ok);
  EXPECT_TRUE(echo(pacs.tlsPort(), &with_cert).ok);  // and it still serves
}

TEST_F(TlsPort, ACertificateBoundAeNeedsItsOwnCertificate) {
  const std::string fingerprint =
      *config::normaliseFingerprint(pki_->fingerprint(pki_->client().cert));
  auto captured = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1024);
  logging::initLogging("info");
  logging::addSink(captured);
  struct SinkGuard {
    spdlog::sink_ptr sink;
    ~SinkGuard() { logging::removeSink(sink); }
  } guard{captured};
  PacsHarness pacs([&](config::GatewayConfig& c) {
    withTls(c);
    c.pacs.access = config::AccessPolicy::kKnownAes;
    config::KnownAe mammo;
    mammo.ae_title = "MAMMO1";
    mammo.tls_fingerprints = {fingerprint};
    config::KnownAe other;
    other.ae_title = "WS1";
    c.known_aes = {mammo, other};
  });
  const auto own = modality(&pki_->client());
  EXPECT_TRUE(echo(pacs.tlsPort(), &own).ok);
  // The gateway's own certificate is from the same CA, but it is not MAMMO1's.
  const auto borrowed = modality(&pki_->server());
  EXPECT_FALSE(echo(pacs.tlsPort(), &borrowed).ok);
  const auto none = modality(nullptr);
  EXPECT_FALSE(echo(pacs.tlsPort(), &none).ok);
  EXPECT_FALSE(echo(pacs.port(), nullptr).ok);  // nor on the plain port
  EXPECT_TRUE(echo(pacs.port(), nullptr, "WS1").ok);
  EXPECT_TRUE(echo(pacs.tlsPort(), &none, "WS1").ok);

  int mismatch = 0;
  int missing = 0;
  for (const auto& line : captured->last_formatted()) {
    if (line.find("association rejected") == std::string::npos) continue;
    if (line.find("client certificate not the one known") != std::string::npos &&
        line.find("certificate_subject=\"O=Test Unit,CN=gateway\"") != std::string::npos) {
      ++mismatch;
    }
    if (line.find("no client certificate, and this AE title needs one") != std::string::npos) {
      ++missing;
    }
  }
  EXPECT_EQ(mismatch, 1);
  EXPECT_EQ(missing, 2);  // once on the TLS port, once on the plain one
}

TEST_F(TlsPort, ABusyTlsPortSaysSoThroughTls) {
  PacsHarness pacs([](config::GatewayConfig& c) {
    withTls(c);
    c.network.max_associations = 1;
  });
  const auto tls = modality(nullptr);
  dicom::GatewayScu holder;
  dicom::configureScu(holder, "127.0.0.1", pacs.tlsPort(), "HOLDER", "SCREENING_PACS", kTimeout,
                      UID_VerificationSOPClass);
  ASSERT_TRUE(holder.connect(&tls).good());
  const auto refused = echo(pacs.tlsPort(), &tls);
  EXPECT_FALSE(refused.ok);
  EXPECT_NE(refused.error.find("Rejected"), std::string::npos) << refused.error;
  holder.releaseAssociation();
}

TEST_F(TlsPort, StoresThroughTls) {
  PacsHarness pacs([](config::GatewayConfig& c) { withTls(c); });
  const auto tls = modality(nullptr);
  dicom::GatewayScu scu;
  dicom::configureScu(scu, "127.0.0.1", pacs.tlsPort(), "MAMMO1", "SCREENING_PACS", kTimeout,
                      UID_DigitalMammographyXRayImageStorageForPresentation);
  ASSERT_TRUE(scu.connect(&tls).good());
  ObjectSpec spec;
  spec.rows = 1024;
  spec.columns = 1024;  // 2 MiB of pixels: many TLS records
  auto object = makeObject(spec);
  Uint16 status = 0xFFFF;
  const auto id =
      scu.findPresentationContextID(UID_DigitalMammographyXRayImageStorageForPresentation, "");
  ASSERT_NE(id, 0);
  ASSERT_TRUE(scu.sendSTORERequest(id, "", object.get(), status).good());
  EXPECT_EQ(status, 0x0000);
  EXPECT_TRUE(scu.releaseAssociation().good());
  EXPECT_EQ(pacs.rowCount(), 1);
}

TEST_F(TlsPort, OutboundAssociationsCallAKnownAeOverTls) {
  // What commitment reports, C-MOVE and forwarding will do for a known AE with `tls: true`.
  PacsHarness pacs([](config::GatewayConfig& c) { withTls(c, true); });
  config::TlsSettings ours;
  ours.cert = pki_->server().cert;
  ours.key = pki_->server().key;
  ours.ca = pki_->caCert();
  auto object = makeObject({});
  OFString uid;
  object->findAndGetOFString(DCM_SOPInstanceUID, uid);
  const auto file = pacs.storage().parent_path() / "outbound.dcm";
  DcmFileFormat format(object.get());
  ASSERT_TRUE(format.saveFile(file.c_str(), EXS_LittleEndianExplicit).good());

  dicom::OutboundTarget target;
  target.host = "127.0.0.1";
  target.port = pacs.tlsPort();
  target.calling_aet = "SCREENING_GW";
  target.called_aet = "SCREENING_PACS";
  target.timeout = kTimeout;
  target.tls = dicom::remoteCallTls(ours);
  const std::vector<dicom::OutboundContext> contexts = {
      {UID_DigitalMammographyXRayImageStorageForPresentation,
       {UID_LittleEndianExplicitTransferSyntax}}};
  {
    dicom::OutboundAssociation association(target, contexts);
    const auto result = association.storeFile(
        file, UID_DigitalMammographyXRayImageStorageForPresentation, uid.c_str());
    EXPECT_EQ(result.status, 0x0000) << result.error_comment;
  }
  EXPECT_EQ(pacs.rowCount(), 1);
  // Without a CA it cannot verify the peer: it does not call at all.
  ours.ca.clear();
  target.tls = dicom::remoteCallTls(ours);
  EXPECT_THROW(dicom::OutboundAssociation(target, contexts), dicom::OutboundError);
}

TEST_F(TlsPort, TheWorklistHasItsOwnTlsPort) {
  MwlHarness mwl([](config::GatewayConfig& c) {
    withTls(c);
    c.pacs.tls_port = 0;
    c.mwl.tls_port = 1;
  });
  const auto tls = modality(nullptr);
  ASSERT_NE(mwl.tlsPort(), 0);
  const auto result =
      dicom::sendEcho("127.0.0.1", mwl.tlsPort(), "MAMMO1", "MWL_SCP", kTimeout, &tls);
  EXPECT_TRUE(result.ok) << result.error;
}

TEST_F(TlsPort, AStalledHandshakeIsDroppedAtTheDeadlineWhileOthersAreServed) {
  PacsHarness pacs([](config::GatewayConfig& c) {
    withTls(c);
    c.network.acse_timeout = std::chrono::seconds(2);
    c.network.max_associations = 2;
  });
  // One peer says nothing; another sends half a ClientHello and stops.
  const int silent = connectFrom("127.0.0.2", pacs.tlsPort());
  const int half = connectFrom("127.0.0.3", pacs.tlsPort());
  ASSERT_GE(silent, 0);
  ASSERT_GE(half, 0);
  const unsigned char hello_start[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03};
  ASSERT_EQ(::send(half, hello_start, sizeof(hello_start), MSG_NOSIGNAL),
            static_cast<ssize_t>(sizeof(hello_start)));
  const auto started = Clock::now();
  // Meanwhile (and with only two workers) others are served at once, again and again.
  const auto tls = modality(nullptr);
  for (int i = 0; i < 3; ++i) {
    const auto result = echo(pacs.tlsPort(), &tls);
    EXPECT_TRUE(result.ok) << result.error;
    EXPECT_LT(result.milliseconds, 1500);
  }
  EXPECT_TRUE(closedWithin(silent, std::chrono::milliseconds(4000)));
  EXPECT_TRUE(closedWithin(half, std::chrono::milliseconds(1000)));
  const auto waited = Clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(1800));  // not before the deadline
  ::close(silent);
  ::close(half);
  EXPECT_TRUE(echo(pacs.tlsPort(), &tls).ok);
}

}  // namespace
}  // namespace gateway::test
