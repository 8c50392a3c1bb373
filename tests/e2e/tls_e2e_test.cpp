// DICOM TLS and the allow-lists against the built binary, driven by DCMTK's echoscu,
// storescu and findscu (+tls) and by openssl s_client, as a site would check them: plain and
// TLS side by side, mutual TLS, old protocols and weak ciphers refused, a stalled handshake
// dropped at the deadline while others are served, certificate problems at start, our own
// healthcheck and emulator over TLS, and known AEs from a file. Certificates come from a
// throw-away PKI made by the test with openssl.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>
#include <fstream>

#include "tests/e2e/gateway_process.h"
#include "tests/support/child_process.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/raw_association.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_pki.h"

namespace gateway::test {
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;
using Clock = std::chrono::steady_clock;

std::string today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof(text), "%Y%m%d", &local);
  return text;
}

class TlsE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new TestPki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  TlsE2e()
      : pacs_port_(freePort()),
        pacs_tls_port_(freePort()),
        mwl_port_(freePort()),
        mwl_tls_port_(freePort()) {
    env_ = {{"PACS_PORT", std::to_string(pacs_port_)},
            {"PACS_TLS_PORT", std::to_string(pacs_tls_port_)},
            {"MWL_PORT", std::to_string(mwl_port_)},
            {"MWL_TLS_PORT", std::to_string(mwl_tls_port_)},
            {"PACS_STORAGE_PATH", (dir_ / "storage").string()},
            {"PACS_DB_PATH", (dir_ / "pacs.db").string()},
            {"MWL_DB_PATH", (dir_ / "worklist.db").string()},
            {"GATEWAY_TLS_CERT", pki_->server().cert.string()},
            {"GATEWAY_TLS_KEY", pki_->server().key.string()},
            {"GATEWAY_TLS_CA", pki_->caCert().string()},
            {"LOG_LEVEL", "info"},
            {"GATEWAY_SHUTDOWN_TIMEOUT", "5"}};
  }

  void set(const std::string& name, const std::string& value) {
    for (auto& [key, v] : env_) {
      if (key == name) {
        v = value;
        return;
      }
    }
    env_.emplace_back(name, value);
  }

  std::unique_ptr<GatewayProcess> serve() {
    auto process = std::make_unique<GatewayProcess>(std::vector<std::string>{"serve"}, env_,
                                                    dir_ / "gateway.log");
    EXPECT_TRUE(process->waitForLog("ready", std::chrono::seconds(20))) << process->log();
    return process;
  }

  // A DCMTK tool; returns its exit code, its output in `output`.
  int tool(const std::vector<std::string>& argv, std::string* output = nullptr) {
    const auto log = dir_ / ("tool" + std::to_string(++runs_) + ".log");
    const int rc = runProgram(argv, std::chrono::seconds(30), log.string());
    if (output != nullptr) *output = readFileBytes(log);
    return rc;
  }

  // echoscu over TLS: without a client certificate (+tla), or with one (+tls key cert).
  int echoTls(std::uint16_t port, const TestPki::Pair* identity, std::string* output = nullptr,
              const std::vector<std::string>& extra = {}, const std::string& ca = "") {
    std::vector<std::string> argv{"echoscu", "-aet", "MAMMO1", "-aec", "SCREENING_PACS"};
    if (identity == nullptr) {
      argv.push_back("+tla");
    } else {
      argv.insert(argv.end(), {"+tls", identity->key.string(), identity->cert.string()});
    }
    argv.insert(argv.end(), {"+cf", ca.empty() ? pki_->caCert().string() : ca});
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(), {"127.0.0.1", std::to_string(port)});
    return tool(argv, output);
  }

  // openssl s_client against `port` with `options`; true when a TLS session was established.
  bool opensslConnects(std::uint16_t port, const std::string& options, std::string* output) {
    const std::string command = "openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
                                " -CAfile " + pki_->caCert().string() + " " + options +
                                " </dev/null";
    const int rc = tool({"sh", "-c", command}, output);
    return rc == 0 && output->find("Cipher is (NONE)") == std::string::npos &&
           output->find("New, ") != std::string::npos;
  }

  std::filesystem::path writeObject() {
    ObjectSpec spec;
    auto ds = makeObject(spec);
    const auto path = dir_ / ("object" + std::to_string(++objects_) + ".dcm");
    DcmFileFormat format(ds.get());
    EXPECT_TRUE(format.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
    return path;
  }

  std::filesystem::path writeWorklistQuery() {
    DcmFileFormat format;
    DcmDataset* q = format.getDataset();
    q->insertEmptyElement(DCM_PatientName);
    q->insertEmptyElement(DCM_AccessionNumber);
    DcmItem* step = nullptr;
    q->findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, step, -2);
    step->putAndInsertString(DCM_Modality, "MG");
    step->putAndInsertString(DCM_ScheduledProcedureStepStartDate, today().c_str());
    const auto path = dir_ / "query.dcm";
    EXPECT_TRUE(format.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
    return path;
  }

  void addWorklistItem(const std::string& accession) {
    const auto [code, out] =
        runGateway({"worklist", "add", "--accession-number", accession, "--patient-id",
                    "PID-" + accession, "--patient-name", "DOE^JANE", "--patient-birth-date",
                    "19700101", "--scheduled-date", today(), "--scheduled-time", "0900",
                    "--modality", "MG", "--scheduled-station-aet", "MAMMO1"},
                   env_);
    ASSERT_EQ(code, 0) << out;
  }

  static TestPki* pki_;
  TempDir dir_;
  std::uint16_t pacs_port_;
  std::uint16_t pacs_tls_port_;
  std::uint16_t mwl_port_;
  std::uint16_t mwl_tls_port_;
  Env env_;
  int runs_ = 0;
  int objects_ = 0;
};

TestPki* TlsE2e::pki_ = nullptr;

TEST_F(TlsE2e, PlainAndTlsPortsSideBySideWithDcmtkTools) {
  auto gateway = serve();
  std::string out;
  EXPECT_EQ(tool({"echoscu", "-aet", "MAMMO1", "-aec", "SCREENING_PACS", "127.0.0.1",
                  std::to_string(pacs_port_)},
                 &out),
            0)
      << out;
  EXPECT_EQ(echoTls(pacs_tls_port_, nullptr, &out), 0) << out;
  // storescu +tls: the object is stored as it is through the TLS port.
  EXPECT_EQ(tool({"storescu", "-aet", "MAMMO1", "-aec", "SCREENING_PACS", "+tla", "+cf",
                  pki_->caCert().string(), "127.0.0.1", std::to_string(pacs_tls_port_),
                  writeObject().string()},
                 &out),
            0)
      << out;
  EXPECT_TRUE(gateway->waitForLog("result=stored", std::chrono::seconds(10))) << gateway->log();
  // findscu +tls on the worklist's TLS port.
  addWorklistItem("TLS-1");
  const auto responses = dir_ / "responses";
  std::filesystem::create_directories(responses);
  EXPECT_EQ(tool({"findscu", "-W", "-aet", "MAMMO1", "-aec", "MWL_SCP", "+tla", "+cf",
                  pki_->caCert().string(), "-X", "-od", responses.string(), "127.0.0.1",
                  std::to_string(mwl_tls_port_), writeWorklistQuery().string()},
                 &out),
            0)
      << out;
  EXPECT_EQ(countFiles(responses), 1u) << out;
  // A plain client on the TLS port, a TLS client on the plain port: refused, nothing hangs.
  EXPECT_NE(tool({"echoscu", "-to", "5", "-ta", "5", "127.0.0.1", std::to_string(pacs_tls_port_)}),
            0);
  EXPECT_NE(echoTls(pacs_port_, nullptr, &out, {"-to", "5", "-ta", "5"}), 0) << out;
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(TlsE2e, MutualTlsAcceptsACertificateFromTheCaAndNoOther) {
  set("GATEWAY_TLS_VERIFY_PEER", "true");
  auto gateway = serve();
  std::string out;
  EXPECT_EQ(echoTls(pacs_tls_port_, &pki_->client(), &out), 0) << out;
  EXPECT_NE(echoTls(pacs_tls_port_, nullptr, &out), 0) << out;
  EXPECT_NE(echoTls(pacs_tls_port_, &pki_->otherClient(), &out), 0) << out;
  EXPECT_TRUE(gateway->waitForLog("peer did not return a certificate", std::chrono::seconds(5)))
      << gateway->log();
  EXPECT_TRUE(gateway->waitForLog("certificate verify failed", std::chrono::seconds(5)))
      << gateway->log();
  // The client checks the server too: a CA that did not sign the gateway's certificate.
  EXPECT_NE(echoTls(pacs_tls_port_, &pki_->client(), &out, {}, pki_->otherCaCert().string()), 0)
      << out;
  EXPECT_EQ(echoTls(pacs_tls_port_, &pki_->client(), &out), 0) << out;
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(TlsE2e, OldProtocolsAndWeakCiphersAreRefused) {
  auto gateway = serve();
  std::string out;
  // The controls: TLS 1.3 and TLS 1.2 with a BCP 195 suite work.
  EXPECT_TRUE(opensslConnects(pacs_tls_port_, "-tls1_3", &out)) << out;
  EXPECT_TRUE(opensslConnects(pacs_tls_port_, "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256", &out))
      << out;
  // Security level 0 on the client, so it really offers what it is asked to.
  EXPECT_FALSE(opensslConnects(pacs_tls_port_, "-tls1_1 -cipher DEFAULT@SECLEVEL=0", &out)) << out;
  EXPECT_FALSE(opensslConnects(pacs_tls_port_, "-tls1 -cipher DEFAULT@SECLEVEL=0", &out)) << out;
  EXPECT_FALSE(opensslConnects(pacs_tls_port_, "-tls1_2 -cipher AES128-SHA@SECLEVEL=0", &out))
      << out;  // RSA key transport, CBC
  EXPECT_FALSE(opensslConnects(pacs_tls_port_, "-tls1_2 -cipher DES-CBC3-SHA@SECLEVEL=0", &out))
      << out;
  // DCMTK's own retired AES profile (TLS_RSA_WITH_AES_128_CBC_SHA) is refused as well.
  EXPECT_NE(echoTls(pacs_tls_port_, nullptr, &out, {"+pa"}), 0) << out;
  EXPECT_TRUE(gateway->waitForLog("TLS handshake failed", std::chrono::seconds(5)))
      << gateway->log();
  EXPECT_EQ(echoTls(pacs_tls_port_, nullptr, &out), 0) << out;
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(TlsE2e, AStalledHandshakeIsDroppedAtTheDeadlineWhileAnotherClientIsServed) {
  set("GATEWAY_ACSE_TIMEOUT", "3");
  set("GATEWAY_MAX_ASSOCIATIONS", "1");
  auto gateway = serve();
  const int silent = connectFrom("127.0.0.2", pacs_tls_port_);
  const int half = connectFrom("127.0.0.3", pacs_tls_port_);
  ASSERT_GE(silent, 0);
  ASSERT_GE(half, 0);
  const unsigned char hello_start[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03};
  ASSERT_EQ(::send(half, hello_start, sizeof(hello_start), MSG_NOSIGNAL),
            static_cast<ssize_t>(sizeof(hello_start)));
  const auto started = Clock::now();
  std::string out;
  EXPECT_EQ(echoTls(pacs_tls_port_, nullptr, &out), 0) << out;
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(2500));  // before the deadline
  EXPECT_TRUE(closedWithin(silent, std::chrono::milliseconds(6000)));
  EXPECT_TRUE(closedWithin(half, std::chrono::milliseconds(1000)));
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(2800));
  ::close(silent);
  ::close(half);
  EXPECT_TRUE(gateway->waitForLog("peer=127.0.0.2 reason=\"TLS handshake timed out\"",
                                  std::chrono::seconds(5)))
      << gateway->log();
  EXPECT_TRUE(gateway->waitForLog("peer=127.0.0.3 reason=\"TLS handshake timed out\"",
                                  std::chrono::seconds(5)))
      << gateway->log();
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(TlsE2e, HealthcheckAndEmulatorSpeakTlsToTheTlsPorts) {
  set("GATEWAY_TLS_VERIFY_PEER", "true");  // they show the gateway's own certificate
  auto gateway = serve();
  auto [code, out] = runGateway({"healthcheck"}, env_);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("pacs-tls-echo="), std::string::npos) << out;
  EXPECT_NE(out.find("mwl-tls-find="), std::string::npos) << out;
  EXPECT_NE(out.find(" pacs-echo="), std::string::npos) << out;
  addWorklistItem("TLS-EMU-1");
  std::tie(code, out) = runGateway({"emulate", "--once", "--tls", "--calling-aet", "MAMMO1"}, env_);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("images 4/4 stored, MPPS IN PROGRESS -> COMPLETED: ok"), std::string::npos)
      << out;
  EXPECT_NE(gateway->log().find("service=mwl-tls"), std::string::npos);
  EXPECT_NE(gateway->log().find("service=pacs-tls id="), std::string::npos);
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(TlsE2e, WithoutACaOurClientsTrustExactlyTheGatewaysCertificate) {
  set("GATEWAY_TLS_CA", "");
  set("PACS_PORT", "0");  // TLS only
  auto gateway = serve();
  const auto [code, out] = runGateway({"healthcheck"}, env_);
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(out.find(" pacs-echo="), std::string::npos) << out;
  EXPECT_NE(out.find("pacs-tls-echo="), std::string::npos) << out;
  EXPECT_LT(connectFrom("127.0.0.1", pacs_port_), 0);  // no plain port at all... (port 0)
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(TlsE2e, CertificateProblemsAtStartExitTwoNamingTheSetting) {
  const auto refused = [this](const std::string& expected) {
    const auto [code, out] = runGateway({"serve"}, env_, std::chrono::seconds(20));
    EXPECT_EQ(code, 2) << out;
    EXPECT_NE(out.find(expected), std::string::npos) << expected << "\n" << out;
  };
  set("GATEWAY_TLS_CERT", (dir_ / "missing.pem").string());
  refused("tls.cert (GATEWAY_TLS_CERT): cannot read");
  set("GATEWAY_TLS_CERT", pki_->server().cert.string());
  set("GATEWAY_TLS_KEY", pki_->client().key.string());
  refused("tls.key (GATEWAY_TLS_KEY)");
  set("GATEWAY_TLS_KEY", pki_->server().key.string());
  set("GATEWAY_TLS_CERT",
      pki_->serverValid("expired", "20200101000000Z", "20200301000000Z").cert.string());
  refused("expired on 2020-03-01");
  set("GATEWAY_TLS_CERT", pki_->server().cert.string());
  set("GATEWAY_TLS_CA", pki_->server().key.string());
  refused("tls.ca (GATEWAY_TLS_CA)");
  // Expiring within 30 days: it starts, with a warning.
  set("GATEWAY_TLS_CA", pki_->caCert().string());
  const std::time_t soon = std::time(nullptr) + 5 * 24 * 3600;
  std::tm tm{};
  gmtime_r(&soon, &tm);
  char end[32];
  std::strftime(end, sizeof(end), "%Y%m%d%H%M%SZ", &tm);
  set("GATEWAY_TLS_CERT", pki_->serverValid("soon", "20200101000000Z", end).cert.string());
  auto gateway = serve();
  EXPECT_NE(gateway->log().find("warning [config]"), std::string::npos) << gateway->log();
  EXPECT_NE(gateway->log().find("tls.cert (GATEWAY_TLS_CERT): certificate O=Test Unit,CN=gateway "
                                "expires on"),
            std::string::npos)
      << gateway->log();
  // And in the health report: still healthy, with the warning under the verdict.
  const auto [code, out] = runGateway({"healthcheck"}, env_);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("\nwarning: tls.cert (GATEWAY_TLS_CERT): certificate O=Test Unit,CN=gateway "
                     "expires on"),
            std::string::npos)
      << out;
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(TlsE2e, KnownAesFromAFileLetOnlyThoseAesIn) {
  const auto list = dir_ / "known_aes.yaml";
  std::ofstream(list) << "- ae_title: MAMMO1\n  addresses: [127.0.0.1]\n"
                         "- ae_title: MAMMO2\n  addresses: [10.99.0.0/16]\n";
  set("GATEWAY_KNOWN_AES_FILE", list.string());
  set("PACS_ACCESS", "known-aes");
  set("PACS_AET_ALIASES", "OLD_PACS");
  auto gateway = serve();
  EXPECT_NE(gateway->log().find("setting known_aes=2: MAMMO1 from 127.0.0.1 (all); MAMMO2 from "
                                "10.99.0.0/16 (all)"),
            std::string::npos)
      << gateway->log();
  std::string out;
  const auto echo = [&](const std::string& calling, const std::string& called) {
    return tool(
        {"echoscu", "-aet", calling, "-aec", called, "127.0.0.1", std::to_string(pacs_port_)},
        &out);
  };
  EXPECT_EQ(echo("MAMMO1", "SCREENING_PACS"), 0) << out;
  EXPECT_EQ(echo("MAMMO1", "OLD_PACS"), 0) << out;
  EXPECT_NE(echo("MAMMO2", "SCREENING_PACS"), 0) << out;  // not from here
  EXPECT_NE(out.find("Calling AE Title Not Recognized"), std::string::npos) << out;
  EXPECT_NE(echo("STRANGER", "SCREENING_PACS"), 0) << out;
  EXPECT_NE(out.find("Calling AE Title Not Recognized"), std::string::npos) << out;
  EXPECT_TRUE(
      gateway->waitForLog("calling=MAMMO2 called=SCREENING_PACS reason=\"address not "
                          "allowed for this AE title\"",
                          std::chrono::seconds(5)))
      << gateway->log();
  // The worklist stayed open: nothing configured for it.
  EXPECT_EQ(tool({"echoscu", "-aet", "STRANGER", "-aec", "MWL_SCP", "127.0.0.1",
                  std::to_string(mwl_port_)},
                 &out),
            0)
      << out;
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();

  // A bad entry: exit 2 naming it.
  std::ofstream(list) << "- ae_title: MAMMO1\n  addresses: [127.0.0.300]\n";
  const auto [code, text] = runGateway({"serve"}, env_, std::chrono::seconds(20));
  EXPECT_EQ(code, 2) << text;
  EXPECT_NE(text.find("known_aes[0].addresses[0]: '127.0.0.300'"), std::string::npos) << text;
}

}  // namespace
}  // namespace gateway::test
