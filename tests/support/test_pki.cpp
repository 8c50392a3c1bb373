#include "tests/support/test_pki.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/child_process.h"

namespace gateway::test {
namespace {

// `openssl ca`'s configuration for one CA in its own folder.
std::string caConfig(const std::filesystem::path& dir) {
  const std::string d = dir.string();
  return "[req]\ndistinguished_name = req_dn\n[req_dn]\n"
         "[ca]\ndefault_ca = site\n"
         "[site]\ndatabase = " +
         d + "/index.txt\nnew_certs_dir = " + d + "\nserial = " + d +
         "/serial\ndefault_md = sha256\npolicy = anything\nunique_subject = no\n"
         "copy_extensions = none\ndefault_days = 365\n"
         "[anything]\ncommonName = supplied\norganizationName = optional\n"
         "[server_ext]\nbasicConstraints = CA:FALSE\n"
         "keyUsage = digitalSignature, keyEncipherment\n"
         "extendedKeyUsage = serverAuth, clientAuth\n"
         "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
         "[client_ext]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature\n"
         "extendedKeyUsage = clientAuth\n"
         "[ca_ext]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, "
         "cRLSign\nsubjectKeyIdentifier = hash\n";
}

}  // namespace

std::string TestPki::openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto out = dir_ / ("openssl" + std::to_string(++run_) + ".log");
  const int rc = runProgram(argv, std::chrono::seconds(60), out.string());
  const std::string text = readFileBytes(out);
  if (rc != 0) {
    std::string command;
    for (const auto& a : argv) command += a + " ";
    ADD_FAILURE() << command << "failed: " << text;
  }
  return text;
}

std::filesystem::path TestPki::makeCa(const std::string& name, const std::string& cn) {
  const auto dir = dir_ / name;
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ca.cnf") << caConfig(dir);
  std::ofstream(dir / "index.txt");
  std::ofstream(dir / "serial") << "1000\n";
  openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-keyout", (dir / "ca.key").string(), "-out", (dir / "ca.pem").string(), "-days", "3650",
           "-subj", "/CN=" + cn, "-config", (dir / "ca.cnf").string(), "-extensions", "ca_ext"});
  return dir / "ca.pem";
}

TestPki::Pair TestPki::issue(const std::string& ca, const std::string& name,
                             const std::string& subject, const std::string& extensions,
                             const std::string& key_kind, const std::string& dates,
                             const std::filesystem::path& reuse_key) {
  const auto ca_dir = dir_ / ca;
  Pair pair{dir_ / (name + ".pem"), reuse_key.empty() ? dir_ / (name + ".key") : reuse_key};
  const auto csr = dir_ / (name + ".csr");
  if (reuse_key.empty()) {
    std::vector<std::string> args{"req",  "-new",       "-nodes", "-keyout", pair.key.string(),
                                  "-out", csr.string(), "-subj",  subject};
    if (key_kind == "rsa") {
      args.insert(args.end(), {"-newkey", "rsa:2048"});
    } else {
      args.insert(args.end(), {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"});
    }
    openssl(args);
  } else {
    openssl({"req", "-new", "-key", reuse_key.string(), "-out", csr.string(), "-subj", subject});
  }
  std::vector<std::string> args{"ca",
                                "-batch",
                                "-notext",
                                "-config",
                                (ca_dir / "ca.cnf").string(),
                                "-cert",
                                (ca_dir / "ca.pem").string(),
                                "-keyfile",
                                (ca_dir / "ca.key").string(),
                                "-in",
                                csr.string(),
                                "-out",
                                pair.cert.string(),
                                "-extensions",
                                extensions};
  if (!dates.empty()) {
    std::istringstream in(dates);
    std::string start, end;
    in >> start >> end;
    args.insert(args.end(), {"-startdate", start, "-enddate", end});
  }
  openssl(args);
  return pair;
}

TestPki::TestPki() {
  ca_cert_ = makeCa("site-ca", "Screening Test Site CA");
  other_ca_cert_ = makeCa("other-ca", "Some Other CA");
  server_ = issue("site-ca", "gateway", "/CN=gateway/O=Test Unit", "server_ext", "rsa");
  client_ = issue("site-ca", "mammo1", "/CN=MAMMO1/O=Test Unit", "client_ext", "ec");
  other_client_ = issue("other-ca", "stranger", "/CN=MAMMO1/O=Test Unit", "client_ext", "ec");
}

TestPki::Pair TestPki::serverValid(const std::string& name, const std::string& start,
                                   const std::string& end) {
  return issue("site-ca", name, "/CN=gateway/O=Test Unit", "server_ext", "rsa", start + " " + end,
               server_.key);
}

std::filesystem::path TestPki::strayKey() {
  const auto key = dir_ / "stray.key";
  openssl(
      {"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.string()});
  return key;
}

std::string TestPki::fingerprint(const std::filesystem::path& cert) {
  std::string text = openssl({"x509", "-noout", "-fingerprint", "-sha256", "-in", cert.string()});
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

std::string TestPki::subject(const std::filesystem::path& cert) {
  std::string text =
      openssl({"x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", cert.string()});
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const std::string prefix = "subject=";
  return text.rfind(prefix, 0) == 0 ? text.substr(prefix.size()) : text;
}

}  // namespace gateway::test
