#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace gateway::test {

// A throw-away PKI for the TLS tests, made with the openssl command line in a temp folder
// (so no key is ever committed), the way the README tells a site to make its own:
//  - a site CA;
//  - the gateway's certificate from it (CN=gateway, RSA 2048, SAN 127.0.0.1 and localhost,
//    serverAuth and clientAuth);
//  - a modality's client certificate from it (subject O=Test Unit,CN=MAMMO1; clientAuth);
//  - an unrelated CA with a client certificate of its own (CN=MAMMO1 as well).
// Making one costs about a second; share one per test suite.
class TestPki {
 public:
  TestPki();  // ADD_FAILURE()s with openssl's output when a step fails

  struct Pair {
    std::filesystem::path cert;
    std::filesystem::path key;
  };

  const std::filesystem::path& caCert() const { return ca_cert_; }
  const std::filesystem::path& otherCaCert() const { return other_ca_cert_; }
  const Pair& server() const { return server_; }
  const Pair& client() const { return client_; }
  const Pair& otherClient() const { return other_client_; }

  // Another certificate for the gateway's key, from the site CA, valid from `start` to `end`
  // ("YYYYMMDDHHMMSSZ", UTC): expired, not yet valid, or expiring soon.
  Pair serverValid(const std::string& name, const std::string& start, const std::string& end);
  // A fresh key that belongs to no certificate here.
  std::filesystem::path strayKey();

  // What openssl says of a certificate: its SHA-256 fingerprint ("SHA256 Fingerprint=AB:..")
  // and its subject in RFC 2253 form.
  std::string fingerprint(const std::filesystem::path& cert);
  std::string subject(const std::filesystem::path& cert);

  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  std::string openssl(const std::vector<std::string>& args);
  std::filesystem::path makeCa(const std::string& name, const std::string& cn);
  Pair issue(const std::string& ca, const std::string& name, const std::string& subject,
             const std::string& extensions, const std::string& key_kind,
             const std::string& dates = "", const std::filesystem::path& reuse_key = {});

  TempDir dir_;
  int run_ = 0;
  std::filesystem::path ca_cert_;
  std::filesystem::path other_ca_cert_;
  Pair server_;
  Pair client_;
  Pair other_client_;
};

}  // namespace gateway::test
