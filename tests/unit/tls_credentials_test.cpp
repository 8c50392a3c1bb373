// The TLS credentials as start-up sees them: every problem (missing file, a key that is not
// the certificate's, expired, not yet valid) named by its setting, expiry within 30 days a
// warning; and the TLS contexts built from them. Certificates come from a throw-away PKI.
#include "common/dicom/tls_credentials.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/dicom/tls_client.h"
#include "common/dicom/tls_server_context.h"
#include "tests/support/test_pki.h"

namespace gateway::dicom {
namespace {

using Clock = std::chrono::system_clock;

class TlsCredentials : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new test::TestPki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  static config::TlsSettings good() {
    config::TlsSettings tls;
    tls.cert = pki_->server().cert;
    tls.key = pki_->server().key;
    tls.ca = pki_->caCert();
    return tls;
  }

  static bool mentions(const std::vector<std::string>& lines, const std::string& text) {
    for (const auto& line : lines) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }

  static std::string all(const TlsFileCheck& check) {
    std::string out;
    for (const auto& p : check.problems) out += "problem: " + p + "\n";
    for (const auto& w : check.warnings) out += "warning: " + w + "\n";
    return out;
  }

  static test::TestPki* pki_;
};

test::TestPki* TlsCredentials::pki_ = nullptr;

TEST_F(TlsCredentials, AGoodSetPassesWithoutWarnings) {
  const auto check = checkTlsFiles(good());
  EXPECT_TRUE(check.problems.empty()) << all(check);
  EXPECT_TRUE(check.warnings.empty()) << all(check);
}

TEST_F(TlsCredentials, MissingFilesNameTheirSetting) {
  auto tls = good();
  tls.cert = pki_->dir() / "nowhere.pem";
  tls.key = pki_->dir() / "nokey.pem";
  tls.ca = pki_->dir() / "noca.pem";
  const auto check = checkTlsFiles(tls);
  EXPECT_TRUE(mentions(check.problems, "tls.cert (GATEWAY_TLS_CERT): cannot read")) << all(check);
  EXPECT_TRUE(mentions(check.problems, "tls.key (GATEWAY_TLS_KEY): cannot read")) << all(check);
  EXPECT_TRUE(mentions(check.problems, "tls.ca (GATEWAY_TLS_CA): cannot read")) << all(check);
}

TEST_F(TlsCredentials, AFileThatIsNoCertificateIsAProblem) {
  auto tls = good();
  std::ofstream(pki_->dir() / "garbage.pem") << "not a certificate\n";
  tls.cert = pki_->dir() / "garbage.pem";
  tls.ca = pki_->server().key;  // a key where a certificate belongs
  const auto check = checkTlsFiles(tls);
  EXPECT_TRUE(mentions(check.problems, "tls.cert (GATEWAY_TLS_CERT): ")) << all(check);
  EXPECT_TRUE(mentions(check.problems, "holds no readable PEM certificate")) << all(check);
  EXPECT_TRUE(mentions(check.problems, "tls.ca (GATEWAY_TLS_CA): ")) << all(check);
}

TEST_F(TlsCredentials, AKeyOfAnotherCertificateIsAProblem) {
  auto tls = good();
  tls.key = pki_->client().key;
  const auto check = checkTlsFiles(tls);
  EXPECT_TRUE(mentions(check.problems, "tls.key (GATEWAY_TLS_KEY)")) << all(check);
  EXPECT_TRUE(mentions(check.problems, "is not the key of tls.cert")) << all(check);
  EXPECT_THROW(TlsServerContext{tls}, std::runtime_error);
  try {
    TlsServerContext context(tls);
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("GATEWAY_TLS_KEY"), std::string::npos) << e.what();
  }
}

TEST_F(TlsCredentials, AnExpiredOrNotYetValidCertificateIsAProblem) {
  auto tls = good();
  tls.cert = pki_->serverValid("expired", "20200101000000Z", "20200201000000Z").cert;
  auto check = checkTlsFiles(tls);
  EXPECT_TRUE(mentions(check.problems, "tls.cert (GATEWAY_TLS_CERT)")) << all(check);
  EXPECT_TRUE(mentions(check.problems, "expired on 2020-02-01")) << all(check);
  tls.cert = pki_->serverValid("future", "20990101000000Z", "20990201000000Z").cert;
  check = checkTlsFiles(tls);
  EXPECT_TRUE(mentions(check.problems, "is not valid before 2099-01-01")) << all(check);
}

TEST_F(TlsCredentials, ExpiryWithinThirtyDaysIsAWarning) {
  auto tls = good();
  const auto now = Clock::now();
  const std::time_t in_ten_days = Clock::to_time_t(now + std::chrono::hours(24 * 10 + 1));
  std::tm tm{};
  gmtime_r(&in_ten_days, &tm);
  char end[32];
  std::strftime(end, sizeof(end), "%Y%m%d%H%M%SZ", &tm);
  tls.cert = pki_->serverValid("soon", "20200101000000Z", end).cert;
  const auto check = checkTlsFiles(tls, now);
  EXPECT_TRUE(check.problems.empty()) << all(check);
  EXPECT_TRUE(
      mentions(check.warnings, "tls.cert (GATEWAY_TLS_CERT): certificate O=Test Unit,CN=gateway"))
      << all(check);
  EXPECT_TRUE(mentions(check.warnings, "(10 days)")) << all(check);
  // The same, as the health report asks for it.
  const auto expiring = expiringCertificates(tls, now);
  ASSERT_FALSE(expiring.empty());
  EXPECT_EQ(expiring[0].setting, "tls.cert (GATEWAY_TLS_CERT)");
  EXPECT_EQ(expiring[0].days_left, 10);
  // A year ahead of time there is nothing to say about a certificate valid for a year.
  EXPECT_TRUE(expiringCertificates(good(), now, std::chrono::hours(24)).empty());
}

TEST_F(TlsCredentials, BuildsTheServerAndClientContexts) {
  EXPECT_NO_THROW(TlsServerContext{good()});
  auto verify = good();
  verify.verify_peer = true;
  EXPECT_NO_THROW(TlsServerContext{verify});
  auto no_ca = good();
  no_ca.ca.clear();
  EXPECT_NO_THROW(TlsServerContext{no_ca});

  EXPECT_NO_THROW(makeClientTransport(selfCallTls(good())));
  // Without a CA, our own SCUs trust exactly the gateway's certificate.
  const TlsClientSettings self = selfCallTls(no_ca);
  EXPECT_EQ(self.trust, pki_->server().cert);
  EXPECT_TRUE(self.partial_chain);
  EXPECT_NO_THROW(makeClientTransport(self));
  // Calling another AE: only the site CA is a trust anchor, and our certificate is shown.
  const TlsClientSettings remote = remoteCallTls(good());
  EXPECT_EQ(remote.trust, pki_->caCert());
  EXPECT_FALSE(remote.partial_chain);
  EXPECT_EQ(remote.cert, pki_->server().cert);
  EXPECT_TRUE(remoteCallTls(no_ca).trust.empty());
  EXPECT_THROW(makeClientTransport(remoteCallTls(no_ca)), std::runtime_error);
  TlsClientSettings nothing;
  EXPECT_THROW(makeClientTransport(nothing), std::runtime_error);
  TlsClientSettings bad_key = selfCallTls(good());
  bad_key.key = pki_->client().key;
  EXPECT_THROW(makeClientTransport(bad_key), std::runtime_error);
}

TEST_F(TlsCredentials, TheTestPkiAnswersLikeTheTable) {
  // What the README tells an operator to run gives what known_aes expects.
  const std::string fingerprint = pki_->fingerprint(pki_->client().cert);
  EXPECT_TRUE(config::normaliseFingerprint(fingerprint)) << fingerprint;
  // RFC 2253 writes the most specific part first.
  EXPECT_EQ(pki_->subject(pki_->client().cert), "O=Test Unit,CN=MAMMO1");
}

}  // namespace
}  // namespace gateway::dicom
