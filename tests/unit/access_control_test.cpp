// The allow-list pieces, pure: address ranges, the known_aes table and its validation, the
// access decision for every combination of policy, caller, address, certificate and service.
#include <gtest/gtest.h>

#include <fstream>

#include "common/config/config_loader.h"
#include "common/config/ipv4_range.h"
#include "common/config/known_ae.h"
#include "common/dicom/access_policy.h"
#include "common/dicom/association_request.h"
#include "common/dicom/known_ae_target.h"
#include "common/dicom/remote_ae_table.h"
#include "tests/support/temp_dir.h"

namespace gateway {
namespace {

using config::AccessPolicy;
using config::AeService;
using config::Ipv4Range;
using config::KnownAe;
using config::ServiceSet;
using dicom::AccessRefusal;

// ---- Ipv4Range ---------------------------------------------------------------------------

TEST(Ipv4Range, ASingleAddressMatchesOnlyItself) {
  const auto range = Ipv4Range::parse("10.20.0.7");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->prefixLength(), 32);
  EXPECT_TRUE(range->contains("10.20.0.7"));
  EXPECT_FALSE(range->contains("10.20.0.8"));
  EXPECT_FALSE(range->contains("10.20.0.6"));
  EXPECT_EQ(range->toString(), "10.20.0.7");
}

TEST(Ipv4Range, ACidrRangeMatchesItsAddressesAndNoOthers) {
  const auto range = Ipv4Range::parse(" 192.168.4.0/22 ");
  ASSERT_TRUE(range);
  EXPECT_TRUE(range->contains("192.168.4.0"));
  EXPECT_TRUE(range->contains("192.168.7.255"));
  EXPECT_FALSE(range->contains("192.168.8.0"));
  EXPECT_FALSE(range->contains("192.168.3.255"));
  EXPECT_EQ(range->toString(), "192.168.4.0/22");
  const auto all = Ipv4Range::parse("0.0.0.0/0");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->contains("255.255.255.255"));
  EXPECT_TRUE(all->contains("0.0.0.0"));
  const auto loopback = Ipv4Range::parse("127.0.0.2/31");
  ASSERT_TRUE(loopback);
  EXPECT_TRUE(loopback->contains("127.0.0.3"));
  EXPECT_FALSE(loopback->contains("127.0.0.1"));
}

TEST(Ipv4Range, RefusesWhatIsNotAnAddressOrRange) {
  for (const char* text :
       {"", "10.0.0", "10.0.0.1.2", "256.0.0.1", "10.0.0.-1", "a.b.c.d", "010.0.0.1", "10.0.0.1/33",
        "10.0.0.1/", "10.0.0.0/x", "10.0.0.0/8/8", "::1", "10.0.0.1 10.0.0.2"}) {
    std::string error;
    EXPECT_FALSE(Ipv4Range::parse(text, &error)) << text;
    EXPECT_FALSE(error.empty()) << text;
  }
}

TEST(Ipv4Range, RefusesHostBitsBelowThePrefixNamingTheRange) {
  std::string error;
  EXPECT_FALSE(Ipv4Range::parse("10.1.2.3/16", &error));
  EXPECT_NE(error.find("10.1.0.0/16"), std::string::npos) << error;
}

TEST(Ipv4Range, NonAddressesAreNeverContained) {
  const auto all = Ipv4Range::parse("0.0.0.0/0");
  ASSERT_TRUE(all);
  EXPECT_FALSE(all->contains("localhost"));
  EXPECT_FALSE(all->contains(""));
  EXPECT_FALSE(all->contains("1.2.3.4 "));
}

// ---- known_aes from YAML, a file, the environment ------------------------------------------

std::filesystem::path write(const test::TempDir& dir, const std::string& name,
                            const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path;
}

std::vector<std::string> problemsOf(const config::ConfigSources& sources) {
  try {
    config::loadConfig(sources);
  } catch (const config::ConfigError& e) {
    return e.problems();
  }
  return {};
}

bool anyContains(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& p : problems) {
    if (p.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += p + "\n";
  return out;
}

TEST(KnownAes, ReadsEveryFieldOfAnEntry) {
  test::TempDir dir;
  config::ConfigSources sources;
  sources.yaml_file = write(dir, "gateway.yaml",
                            "known_aes:\n"
                            "  - ae_title: MAMMO1\n"
                            "    addresses: [10.20.0.7, 10.30.0.0/16]\n"
                            "    services: [worklist, mpps, store]\n"
                            "    host: mammo1.unit.local\n"
                            "    port: 104\n"
                            "    tls: true\n"
                            "    tls_fingerprints:\n"
                            "      - \"sha256:" +
                                std::string(32, 'a') + std::string(32, '0') +
                                "\"\n"
                                "    tls_subject: CN=MAMMO1,O=Unit\n"
                                "  - ae_title: READING_WS\n"
                                "tls:\n  ca: /etc/gateway/ca.pem\n");
  const auto c = config::loadConfig(sources);
  ASSERT_EQ(c.known_aes.size(), 2u);
  const KnownAe& mammo = c.known_aes[0];
  EXPECT_EQ(mammo.ae_title, "MAMMO1");
  ASSERT_EQ(mammo.addresses.size(), 2u);
  EXPECT_EQ(mammo.addresses[1].toString(), "10.30.0.0/16");
  EXPECT_EQ(mammo.services,
            (ServiceSet{AeService::kWorklist, AeService::kMpps, AeService::kStore}));
  EXPECT_EQ(mammo.host, "mammo1.unit.local");
  EXPECT_EQ(mammo.port, 104);
  EXPECT_TRUE(mammo.tls);
  ASSERT_EQ(mammo.tls_fingerprints.size(), 1u);
  EXPECT_EQ(mammo.tls_fingerprints[0], std::string(32, 'A') + std::string(32, '0'));
  EXPECT_EQ(mammo.tls_subject, "CN=MAMMO1,O=Unit");
  EXPECT_TRUE(mammo.requiresCertificate());
  // Defaults: any address, every service, nowhere to call back.
  const KnownAe& ws = c.known_aes[1];
  EXPECT_TRUE(ws.addresses.empty());
  EXPECT_EQ(ws.services, ServiceSet::all());
  EXPECT_TRUE(ws.host.empty());
  EXPECT_FALSE(ws.tls);
  EXPECT_FALSE(ws.requiresCertificate());
}

TEST(KnownAes, ReportsEveryProblemAtOnceNamingEntryAndField) {
  test::TempDir dir;
  config::ConfigSources sources;
  sources.yaml_file = write(dir, "gateway.yaml",
                            "known_aes:\n"
                            "  - addresses: [10.0.0.1]\n"  // [0] no title
                            "  - ae_title: MAMMO2\n"       // [1]
                            "    addresses: [10.0.0.300, 10.1.0.0/16]\n"
                            "    services: [store, printing]\n"
                            "  - ae_title: MAMMO3\n"  // [2]
                            "    adresses: [10.0.0.1]\n"
                            "    host: ws.local\n"
                            "  - ae_title: MAMMO4\n"  // [3]
                            "    port: 70000\n"
                            "    host: \"bad host\"\n"
                            "    tls: maybe\n"
                            "    tls_fingerprints: [ABCD]\n"
                            "  - ae_title: MAMMO2\n"  // [4] again
                            "  - just a string\n");   // [5]
  const auto problems = problemsOf(sources);
  const std::string all = joined(problems);
  const std::string file = "config file " + (dir / "gateway.yaml").string() + ": ";
  EXPECT_TRUE(anyContains(problems, file + "known_aes[0].ae_title: is required")) << all;
  EXPECT_TRUE(anyContains(problems, file + "known_aes[1].addresses[0]: '10.0.0.300'")) << all;
  EXPECT_FALSE(anyContains(problems, "known_aes[1].addresses[1]")) << all;
  EXPECT_TRUE(anyContains(problems, file + "known_aes[1].services[1]: 'printing'")) << all;
  EXPECT_TRUE(anyContains(problems, file + "known_aes[2]: unknown key 'adresses'")) << all;
  EXPECT_TRUE(anyContains(problems, file + "known_aes[2].port: is required with host")) << all;
  EXPECT_TRUE(anyContains(problems, file + "known_aes[3].port:")) << all;
  EXPECT_TRUE(anyContains(problems, file + "known_aes[3].host:")) << all;
  EXPECT_TRUE(anyContains(problems, file + "known_aes[3].tls: 'maybe'")) << all;
  EXPECT_TRUE(anyContains(problems, file + "known_aes[3].tls_fingerprints[0]: 'ABCD'")) << all;
  EXPECT_TRUE(anyContains(problems, file + "known_aes[4].ae_title: MAMMO2 is already known_aes[1]"))
      << all;
  EXPECT_TRUE(anyContains(problems, file + "known_aes[5]: must be a mapping")) << all;
  EXPECT_EQ(problems.size(), 11u) << all;
}

TEST(KnownAes, ComesFromTheFileTheEnvironmentNames) {
  test::TempDir dir;
  const auto list = write(dir, "aes.yaml",
                          "- ae_title: MAMMO1\n  addresses: [127.0.0.2]\n"
                          "- ae_title: MAMMO2\n  services: [worklist]\n");
  config::ConfigSources sources;
  sources.environment = {{"GATEWAY_KNOWN_AES_FILE", list.string()}};
  const auto c = config::loadConfig(sources);
  ASSERT_EQ(c.known_aes.size(), 2u);
  EXPECT_EQ(c.known_aes[1].services, ServiceSet{AeService::kWorklist});

  write(dir, "aes.yaml", "- ae_title: MAMMO1\n  addresses: [127.0.0.300]\n");
  const auto problems = problemsOf(sources);
  EXPECT_TRUE(anyContains(
      problems, "known_aes_file " + list.string() + ": known_aes[0].addresses[0]: '127.0.0.300'"))
      << joined(problems);

  write(dir, "aes.yaml", "ae_title: MAMMO1\n");
  EXPECT_TRUE(anyContains(problemsOf(sources), "known_aes: must be a list"));
  sources.environment = {{"GATEWAY_KNOWN_AES_FILE", (dir / "missing.yaml").string()}};
  EXPECT_TRUE(anyContains(problemsOf(sources), "cannot be read"));
}

TEST(KnownAes, AListInTheConfigFileAndAFileAreNotBothTaken) {
  test::TempDir dir;
  config::ConfigSources sources;
  sources.yaml_file = write(dir, "gateway.yaml", "known_aes:\n  - ae_title: MAMMO1\n");
  sources.environment = {
      {"GATEWAY_KNOWN_AES_FILE", write(dir, "aes.yaml", "- ae_title: MAMMO2\n").string()}};
  const auto problems = problemsOf(sources);
  EXPECT_TRUE(anyContains(problems, "are both given")) << joined(problems);
  EXPECT_TRUE(anyContains(problems, "GATEWAY_KNOWN_AES_FILE")) << joined(problems);
}

TEST(KnownAes, TheShortFormServesSimpleCases) {
  config::ConfigSources sources;
  sources.environment = {{"GATEWAY_KNOWN_AES", "MAMMO1@127.0.0.2, MAMMO1@10.0.0.0/8 ,WS1,"}};
  const auto c = config::loadConfig(sources);
  ASSERT_EQ(c.known_aes.size(), 2u);
  EXPECT_EQ(c.known_aes[0].ae_title, "MAMMO1");
  ASSERT_EQ(c.known_aes[0].addresses.size(), 2u);
  EXPECT_EQ(c.known_aes[0].services, ServiceSet::all());
  EXPECT_TRUE(c.known_aes[1].addresses.empty());

  for (const char* bad :
       {"MAMMO1@10.0.0.300", "THIS_TITLE_IS_FAR_TOO_LONG", "WS1,WS1@10.0.0.1", "@10.0.0.1"}) {
    sources.environment = {{"GATEWAY_KNOWN_AES", bad}};
    EXPECT_TRUE(anyContains(problemsOf(sources), "environment GATEWAY_KNOWN_AES: entry")) << bad;
  }
}

TEST(KnownAes, FingerprintsInEveryUsualSpellingAreOne) {
  const std::string hex = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";
  std::string colons;
  for (std::size_t i = 0; i < hex.size(); i += 2) colons += (i ? ":" : "") + hex.substr(i, 2);
  std::string lower = hex;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string& text : {hex, colons, lower, "sha256:" + lower,
                                  "SHA256 Fingerprint=" + colons, "sha256 Fingerprint=" + colons}) {
    EXPECT_EQ(config::normaliseFingerprint(text), hex) << text;
  }
  EXPECT_FALSE(config::normaliseFingerprint(hex.substr(2)));
  EXPECT_FALSE(config::normaliseFingerprint(hex + "00"));
  EXPECT_FALSE(config::normaliseFingerprint("sha1:" + hex));
  EXPECT_FALSE(config::normaliseFingerprint(hex.substr(1) + "G"));
}

TEST(KnownAes, DescribesTheTableForTheStartUpLog) {
  config::ConfigSources sources;
  EXPECT_EQ(config::describeKnownAes(config::loadConfig(sources).known_aes), "none");
  sources.environment = {{"GATEWAY_KNOWN_AES", "MAMMO1@127.0.0.2,WS1"}};
  EXPECT_EQ(config::describeKnownAes(config::loadConfig(sources).known_aes),
            "2: MAMMO1 from 127.0.0.2 (all); WS1 from any (all)");
}

// ---- the settings around it --------------------------------------------------------------

TEST(AccessSettings, ParsesPoliciesAliasesAndTlsPorts) {
  config::ConfigSources sources;
  sources.environment = {{"PACS_ACCESS", "known-aes"},
                         {"MWL_ACCESS", "known-addresses"},
                         {"GATEWAY_KNOWN_AES", "MAMMO1@127.0.0.2"},
                         {"MWL_AET_ALIASES", "SCREENING_MWL, OLD_MWL,SCREENING_MWL"},
                         {"PACS_PORT", "0"},
                         {"PACS_TLS_PORT", "2762"},
                         {"MWL_TLS_PORT", "2761"},
                         {"GATEWAY_TLS_CERT", "/etc/gateway/cert.pem"},
                         {"GATEWAY_TLS_KEY", "/etc/gateway/key.pem"},
                         {"GATEWAY_TLS_CA", "/etc/gateway/ca.pem"},
                         {"GATEWAY_TLS_VERIFY_PEER", "true"}};
  const auto c = config::loadConfig(sources);
  EXPECT_EQ(c.pacs.access, AccessPolicy::kKnownAes);
  EXPECT_EQ(c.mwl.access, AccessPolicy::kKnownAddresses);
  EXPECT_EQ(c.pacs.access, AccessPolicy::kKnownAes);
  EXPECT_EQ(c.mwl.aet_aliases, (std::vector<std::string>{"SCREENING_MWL", "OLD_MWL"}));
  EXPECT_TRUE(c.pacs.aet_aliases.empty());
  EXPECT_EQ(c.pacs.port, 0);
  EXPECT_EQ(c.pacs.tls_port, 2762);
  EXPECT_EQ(c.mwl.tls_port, 2761);
  EXPECT_EQ(c.tls.ca, "/etc/gateway/ca.pem");
  EXPECT_TRUE(c.tls.verify_peer);
  // The defaults change nothing for a site that sets none of it.
  const config::GatewayConfig defaults;
  EXPECT_EQ(defaults.pacs.access, AccessPolicy::kOpen);
  EXPECT_EQ(defaults.mwl.access, AccessPolicy::kOpen);
  EXPECT_EQ(defaults.pacs.tls_port, 0);
  EXPECT_EQ(defaults.mwl.tls_port, 0);
}

TEST(AccessSettings, RefusesCombinationsThatCannotWork) {
  const std::vector<std::pair<std::vector<std::pair<std::string, std::string>>, std::string>>
      cases = {
          {{{"PACS_ACCESS", "sometimes"}}, "PACS_ACCESS: 'sometimes'"},
          {{{"MWL_AET_ALIASES", "OK,BAD\\AE"}}, "MWL_AET_ALIASES"},
          {{{"PACS_ACCESS", "known-aes"}}, "pacs.access (PACS_ACCESS) is known-aes but known_aes"},
          {{{"MWL_ACCESS", "known-addresses"}, {"GATEWAY_KNOWN_AES", "MAMMO1"}},
           "mwl.access (MWL_ACCESS) is known-addresses but no known_aes entry lists an address"},
          {{{"PACS_TLS_PORT", "2762"}}, "tls.cert (GATEWAY_TLS_CERT) is required for a TLS port"},
          {{{"GATEWAY_TLS_CERT", "/c.pem"}}, "go together"},
          {{{"GATEWAY_TLS_VERIFY_PEER", "yes"}}, "needs tls.ca (GATEWAY_TLS_CA)"},
          {{{"PACS_PORT", "0"}}, "the storage service would have no port"},
          {{{"MWL_PORT", "0"}}, "the worklist service would have no port"},
          {{{"PACS_TLS_PORT", "4243"}, {"GATEWAY_TLS_CERT", "/c"}, {"GATEWAY_TLS_KEY", "/k"}},
           "pacs.tls_port and mwl.port are both 4243; the services need different ports"},
      };
  for (const auto& [environment, expected] : cases) {
    config::ConfigSources sources;
    sources.environment = environment;
    const auto problems = problemsOf(sources);
    EXPECT_TRUE(anyContains(problems, expected)) << expected << "\n" << joined(problems);
  }
  test::TempDir dir;
  config::ConfigSources bound;
  bound.yaml_file =
      write(dir, "g.yaml", "known_aes:\n  - ae_title: MAMMO1\n    tls_subject: CN=MAMMO1\n");
  EXPECT_TRUE(anyContains(problemsOf(bound), "known_aes[0] (MAMMO1) names a client certificate"));
}

// ---- the table -----------------------------------------------------------------------------

KnownAe entry(const std::string& title, std::vector<std::string> addresses = {},
              ServiceSet services = ServiceSet::all()) {
  KnownAe ae;
  ae.ae_title = title;
  for (const auto& a : addresses) ae.addresses.push_back(*Ipv4Range::parse(a));
  ae.services = services;
  return ae;
}

TEST(RemoteAeTable, FindsAnAeByItsExactTitleWithWhereToCallIt) {
  KnownAe archive = entry("ARCHIVE");
  archive.host = "pacs.hospital.local";
  archive.port = 11112;
  archive.tls = true;
  const dicom::RemoteAeTable table({entry("MAMMO1", {"10.0.0.5"}), archive});
  const KnownAe* found = table.find("ARCHIVE");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->host, "pacs.hospital.local");
  EXPECT_EQ(found->port, 11112);
  EXPECT_TRUE(found->tls);
  EXPECT_NE(table.find(" MAMMO1  "), nullptr);  // spaces are padding in an AE title
  EXPECT_EQ(table.find("mammo1"), nullptr);
  EXPECT_EQ(table.find("MAMMO"), nullptr);
  EXPECT_EQ(table.find(""), nullptr);
  EXPECT_TRUE(dicom::RemoteAeTable().empty());
}

TEST(RemoteAeTable, SaysWhereAndHowToCallAKnownAeBack) {
  KnownAe archive = entry("ARCHIVE");
  archive.host = "pacs.hospital.local";
  archive.port = 11112;
  archive.tls = true;
  KnownAe modality = entry("MAMMO1");
  modality.host = "10.0.0.5";
  modality.port = 104;
  const dicom::RemoteAeTable table({archive, modality, entry("NOWHERE")});
  config::TlsSettings tls;
  tls.cert = "/etc/gateway/gateway.pem";
  tls.key = "/etc/gateway/gateway.key";
  tls.ca = "/etc/gateway/ca.pem";
  const auto secure = dicom::knownAeTarget(table, "ARCHIVE", tls);
  ASSERT_TRUE(secure);
  EXPECT_EQ(secure->host, "pacs.hospital.local");
  EXPECT_EQ(secure->port, 11112);
  EXPECT_EQ(secure->called_aet, "ARCHIVE");
  ASSERT_TRUE(secure->tls);
  EXPECT_EQ(secure->tls->trust, "/etc/gateway/ca.pem");
  EXPECT_EQ(secure->tls->cert, "/etc/gateway/gateway.pem");
  const auto plain = dicom::knownAeTarget(table, "MAMMO1", tls);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->tls);
  EXPECT_FALSE(dicom::knownAeTarget(table, "NOWHERE", tls));  // no host and port
  EXPECT_FALSE(dicom::knownAeTarget(table, "STRANGER", tls));
}

TEST(RemoteAeTable, ListsTheEntriesNamingAnAddressExplicitly) {
  const dicom::RemoteAeTable table(
      {entry("A", {"10.0.0.0/24"}), entry("B", {"10.0.0.7"}), entry("ANYWHERE")});
  EXPECT_EQ(table.listingAddress("10.0.0.7").size(), 2u);
  ASSERT_EQ(table.listingAddress("10.0.0.8").size(), 1u);
  EXPECT_EQ(table.listingAddress("10.0.0.8")[0]->ae_title, "A");
  EXPECT_TRUE(table.listingAddress("10.0.1.1").empty());  // ANYWHERE lists no address
  EXPECT_TRUE(table.listingAddress("not-an-address").empty());
}

// ---- the decision --------------------------------------------------------------------------

struct Case {
  const char* name;
  AccessPolicy policy;
  const char* calling;
  const char* called;
  const char* address;
  const dicom::PeerCertificate* certificate;
  AccessRefusal expected;
  ServiceSet allowed;  // when accepted
};

const dicom::PeerCertificate kMammoCert{"CN=MAMMO1,O=Unit", std::string(64, 'A')};
const dicom::PeerCertificate kOtherCert{"CN=MAMMO1,O=Elsewhere", std::string(64, 'B')};
const dicom::PeerCertificate kSubjectOnly{"CN=MAMMO9,O=Unit", std::string(64, 'C')};

TEST(AccessPolicy, DecidesEveryCombination) {
  KnownAe bound = entry("BOUND", {"127.0.0.5"});
  bound.tls_fingerprints = {std::string(64, 'A')};
  KnownAe by_subject = entry("SUBJECT");
  by_subject.tls_subject = "CN=MAMMO9,O=Unit";
  const dicom::RemoteAeTable table(
      {entry("MAMMO1", {"127.0.0.2", "10.1.0.0/16"}),
       entry("WORKLIST_ONLY", {"127.0.0.3"}, ServiceSet{AeService::kWorklist}),
       entry("STORE_ONLY", {"127.0.0.4"}, ServiceSet{AeService::kStore}), entry("ANYWHERE"), bound,
       by_subject, entry("SHARED", {"127.0.0.3"}, ServiceSet{AeService::kMpps})});
  const ServiceSet mwl{AeService::kWorklist, AeService::kMpps};
  const ServiceSet worklist{AeService::kWorklist};
  const ServiceSet mpps{AeService::kMpps};
  using P = AccessPolicy;
  using R = AccessRefusal;
  const Case cases[] = {
      // The called AE title is checked first, under every policy.
      {"own title", P::kOpen, "ANY", "MWL_SCP", "10.9.9.9", nullptr, R::kNone, mwl},
      {"alias", P::kOpen, "ANY", "SCREENING_MWL", "10.9.9.9", nullptr, R::kNone, mwl},
      {"padded title", P::kOpen, "ANY", " MWL_SCP ", "10.9.9.9", nullptr, R::kNone, mwl},
      {"other title", P::kOpen, "ANY", "PACS", "10.9.9.9", nullptr, R::kCalledAeUnknown, {}},
      {"other title, known caller",
       P::kKnownAes,
       "MAMMO1",
       "mwl_scp",
       "127.0.0.2",
       nullptr,
       R::kCalledAeUnknown,
       {}},
      {"other title, known address",
       P::kKnownAddresses,
       "X",
       "PACS",
       "127.0.0.2",
       nullptr,
       R::kCalledAeUnknown,
       {}},
      // open: anyone, from anywhere, every service of the port.
      {"open, unknown caller", P::kOpen, "STRANGER", "MWL_SCP", "192.0.2.1", nullptr, R::kNone,
       mwl},
      {"open, known caller elsewhere", P::kOpen, "MAMMO1", "MWL_SCP", "192.0.2.1", nullptr,
       R::kNone, mwl},
      // known-aes: title, then address, then certificate, then services.
      {"known from its address", P::kKnownAes, "MAMMO1", "MWL_SCP", "127.0.0.2", nullptr, R::kNone,
       mwl},
      {"known from its range", P::kKnownAes, "MAMMO1", "MWL_SCP", "10.1.200.3", nullptr, R::kNone,
       mwl},
      {"known from elsewhere",
       P::kKnownAes,
       "MAMMO1",
       "MWL_SCP",
       "127.0.0.3",
       nullptr,
       R::kAddressNotAllowed,
       {}},
      {"unknown",
       P::kKnownAes,
       "STRANGER",
       "MWL_SCP",
       "127.0.0.2",
       nullptr,
       R::kCallingAeUnknown,
       {}},
      {"case differs",
       P::kKnownAes,
       "mammo1",
       "MWL_SCP",
       "127.0.0.2",
       nullptr,
       R::kCallingAeUnknown,
       {}},
      {"no addresses: any", P::kKnownAes, "ANYWHERE", "SCREENING_MWL", "203.0.113.9", nullptr,
       R::kNone, mwl},
      {"only its services", P::kKnownAes, "WORKLIST_ONLY", "MWL_SCP", "127.0.0.3", nullptr,
       R::kNone, worklist},
      {"none of this port's services",
       P::kKnownAes,
       "STORE_ONLY",
       "MWL_SCP",
       "127.0.0.4",
       nullptr,
       R::kNoServiceAllowed,
       {}},
      {"bound, no certificate",
       P::kKnownAes,
       "BOUND",
       "MWL_SCP",
       "127.0.0.5",
       nullptr,
       R::kCertificateMissing,
       {}},
      {"bound, other certificate",
       P::kKnownAes,
       "BOUND",
       "MWL_SCP",
       "127.0.0.5",
       &kOtherCert,
       R::kCertificateMismatch,
       {}},
      {"bound, its certificate", P::kKnownAes, "BOUND", "MWL_SCP", "127.0.0.5", &kMammoCert,
       R::kNone, mwl},
      {"bound, its certificate, wrong address",
       P::kKnownAes,
       "BOUND",
       "MWL_SCP",
       "127.0.0.6",
       &kMammoCert,
       R::kAddressNotAllowed,
       {}},
      {"bound by subject", P::kKnownAes, "SUBJECT", "MWL_SCP", "127.0.0.9", &kSubjectOnly, R::kNone,
       mwl},
      {"bound by subject, other",
       P::kKnownAes,
       "SUBJECT",
       "MWL_SCP",
       "127.0.0.9",
       &kMammoCert,
       R::kCertificateMismatch,
       {}},
      {"a certificate but none needed", P::kKnownAes, "MAMMO1", "MWL_SCP", "127.0.0.2", &kOtherCert,
       R::kNone, mwl},
      // known-addresses: any title from an address the table lists; its entries' services.
      {"listed address, any title", P::kKnownAddresses, "WHOEVER", "MWL_SCP", "127.0.0.2", nullptr,
       R::kNone, mwl},
      {"listed by two entries", P::kKnownAddresses, "WHOEVER", "MWL_SCP", "127.0.0.3", nullptr,
       R::kNone, mwl},
      {"listed, store only",
       P::kKnownAddresses,
       "WHOEVER",
       "MWL_SCP",
       "127.0.0.4",
       nullptr,
       R::kNoServiceAllowed,
       {}},
      {"unlisted address",
       P::kKnownAddresses,
       "MAMMO1",
       "MWL_SCP",
       "127.0.0.99",
       nullptr,
       R::kAddressUnknown,
       {}},
      {"entries without addresses list none",
       P::kKnownAddresses,
       "ANYWHERE",
       "MWL_SCP",
       "203.0.113.9",
       nullptr,
       R::kAddressUnknown,
       {}},
  };
  dicom::AccessRules rules;
  rules.aet = "MWL_SCP";
  rules.aliases = {"SCREENING_MWL"};
  rules.offered = mwl;
  for (const Case& c : cases) {
    rules.policy = c.policy;
    const auto decision = dicom::decideAccess(
        rules, table, dicom::AccessRequest{c.calling, c.called, c.address, c.certificate});
    EXPECT_EQ(decision.refusal, c.expected) << c.name << ": " << dicom::toString(decision.refusal);
    EXPECT_EQ(decision.accepted(), c.expected == R::kNone) << c.name;
    EXPECT_EQ(decision.allowed, c.allowed) << c.name << ": " << decision.allowed.toString();
  }
  // The services of the entry meet those of the port: a store-only AE on a store port.
  rules.policy = P::kKnownAes;
  rules.offered = ServiceSet{AeService::kStore};
  rules.aet = "SCREENING_PACS";
  EXPECT_EQ(
      dicom::decideAccess(rules, table, {"STORE_ONLY", "SCREENING_PACS", "127.0.0.4"}).allowed,
      ServiceSet{AeService::kStore});
  EXPECT_EQ(
      dicom::decideAccess(rules, table, {"WORKLIST_ONLY", "SCREENING_PACS", "127.0.0.3"}).refusal,
      R::kNoServiceAllowed);
  (void)mpps;
}

TEST(AccessPolicy, NamesEachCheckDifferently) {
  std::set<std::string> names;
  for (const AccessRefusal r :
       {AccessRefusal::kNone, AccessRefusal::kCalledAeUnknown, AccessRefusal::kCallingAeUnknown,
        AccessRefusal::kAddressNotAllowed, AccessRefusal::kAddressUnknown,
        AccessRefusal::kCertificateMissing, AccessRefusal::kCertificateMismatch,
        AccessRefusal::kNoServiceAllowed}) {
    names.insert(dicom::toString(r));
  }
  EXPECT_EQ(names.size(), 8u);
}

TEST(ServiceSet, CombinesAndPrints) {
  const ServiceSet a{AeService::kWorklist, AeService::kStore};
  const ServiceSet b{AeService::kStore, AeService::kQuery};
  EXPECT_EQ(a & b, ServiceSet{AeService::kStore});
  EXPECT_EQ((a | b).toString(), "worklist,store,query");
  EXPECT_EQ(ServiceSet().toString(), "none");
  EXPECT_EQ(ServiceSet::all().toString(), "all");
  for (const AeService s : config::kAllAeServices) {
    EXPECT_EQ(config::parseAeService(config::toString(s)), s);
  }
  EXPECT_FALSE(config::parseAeService("Store"));
}

// ---- the association request's first bytes ------------------------------------------------

TEST(AssociationRequest, ClassifiesTheBytesThatHaveArrived) {
  using dicom::RequestState;
  std::size_t needed = 0;
  const unsigned char header[6] = {0x01, 0x00, 0x00, 0x00, 0x01, 0x00};  // 256-byte body
  EXPECT_EQ(dicom::classifyAssociationRequest(header, 0, 0, 65536, &needed),
            RequestState::kIncomplete);
  EXPECT_EQ(needed, 6u);
  EXPECT_EQ(dicom::classifyAssociationRequest(header, 3, 3, 65536, &needed),
            RequestState::kIncomplete);
  EXPECT_EQ(dicom::classifyAssociationRequest(header, 6, 200, 65536, &needed),
            RequestState::kIncomplete);
  EXPECT_EQ(needed, 262u);
  EXPECT_EQ(dicom::classifyAssociationRequest(header, 6, 262, 65536, &needed),
            RequestState::kComplete);
  EXPECT_EQ(dicom::classifyAssociationRequest(header, 6, 262, 200, &needed),
            RequestState::kTooLarge);
  const unsigned char tls_hello[6] = {0x16, 0x03, 0x01, 0x00, 0x80, 0x01};
  EXPECT_EQ(dicom::classifyAssociationRequest(tls_hello, 1, 1, 65536, &needed),
            RequestState::kNotDicom);
}

}  // namespace
}  // namespace gateway
