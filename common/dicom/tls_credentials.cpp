#include "common/dicom/tls_credentials.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>

#include "common/dicom/tls_profile.h"

namespace gateway::dicom {
namespace {

using Clock = std::chrono::system_clock;

constexpr const char* kCert = "tls.cert (GATEWAY_TLS_CERT)";
constexpr const char* kKey = "tls.key (GATEWAY_TLS_KEY)";
constexpr const char* kCa = "tls.ca (GATEWAY_TLS_CA)";

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

struct LoadedCertificate {
  X509Ptr cert;
  std::string subject;
  Clock::time_point not_before;
  Clock::time_point not_after;
};

std::optional<Clock::time_point> toTimePoint(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
  return Clock::from_time_t(timegm(&tm));
}

std::string dateOf(Clock::time_point when) {
  const std::time_t t = Clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

// Every certificate in a PEM file, in order; `error` set when there is none or one is bad.
std::vector<LoadedCertificate> loadCertificates(const std::filesystem::path& file,
                                                std::string& error) {
  std::vector<LoadedCertificate> out;
  std::unique_ptr<std::FILE, FileCloser> in(std::fopen(file.c_str(), "r"));
  if (!in) {
    error = "cannot read " + file.string();
    return out;
  }
  ERR_clear_error();
  while (X509* raw = PEM_read_X509(in.get(), nullptr, &refuseKeyPassword, nullptr)) {
    LoadedCertificate loaded{X509Ptr(raw), certificateSubject(raw), {}, {}};
    const auto before = toTimePoint(X509_get0_notBefore(raw));
    const auto after = toTimePoint(X509_get0_notAfter(raw));
    if (!before || !after) {
      error = file.string() + ": a certificate has unreadable validity dates";
      return {};
    }
    loaded.not_before = *before;
    loaded.not_after = *after;
    out.push_back(std::move(loaded));
  }
  // The loop ends at the end of the file (PEM "no start line") or at a broken entry.
  const unsigned long code = ERR_peek_last_error();
  const bool at_end = ERR_GET_REASON(code) == PEM_R_NO_START_LINE;
  ERR_clear_error();
  if (out.empty() || (code != 0 && !at_end)) {
    error = file.string() + " holds no readable PEM certificate";
    return {};
  }
  return out;
}

long long daysBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::hours>(to - from).count() / 24;
}

void checkValidity(const char* setting, const std::filesystem::path& file,
                   const std::vector<LoadedCertificate>& certs, Clock::time_point now,
                   TlsFileCheck& check) {
  for (const auto& c : certs) {
    const std::string who = setting + std::string(": ") + file.string() + " (" + c.subject + ")";
    if (c.not_after <= now) {
      check.problems.push_back(who + " expired on " + dateOf(c.not_after));
    } else if (c.not_before > now) {
      check.problems.push_back(who + " is not valid before " + dateOf(c.not_before));
    }
  }
}

void addExpiring(const char* setting, const std::filesystem::path& file, Clock::time_point now,
                 std::chrono::hours within, std::vector<ExpiringCertificate>& out) {
  if (file.empty()) return;
  std::string error;
  for (const auto& c : loadCertificates(file, error)) {
    if (c.not_after < now + within) {
      out.push_back({setting, c.subject, c.not_after, daysBetween(now, c.not_after)});
    }
  }
}

}  // namespace

std::string ExpiringCertificate::describe() const {
  return setting + ": certificate " + subject + (days_left < 0 ? " expired on " : " expires on ") +
         dateOf(not_after) + " (" + std::to_string(days_left) + " days)";
}

TlsFileCheck checkTlsFiles(const config::TlsSettings& tls, Clock::time_point now) {
  TlsFileCheck check;
  X509Ptr leaf;
  if (!tls.cert.empty()) {
    std::string error;
    auto certs = loadCertificates(tls.cert, error);
    if (!error.empty()) {
      check.problems.push_back(std::string(kCert) + ": " + error);
    } else {
      checkValidity(kCert, tls.cert, certs, now, check);
      leaf = std::move(certs.front().cert);
    }
  }
  if (!tls.key.empty()) {
    std::unique_ptr<std::FILE, FileCloser> in(std::fopen(tls.key.c_str(), "r"));
    if (!in) {
      check.problems.push_back(std::string(kKey) + ": cannot read " + tls.key.string());
    } else {
      ERR_clear_error();
      EVP_PKEY* key = PEM_read_PrivateKey(in.get(), nullptr, &refuseKeyPassword, nullptr);
      if (key == nullptr) {
        check.problems.push_back(std::string(kKey) + ": " + tls.key.string() +
                                 " holds no readable unencrypted PEM private key (" +
                                 openSslReason("unreadable") + ")");
      } else {
        if (leaf && X509_check_private_key(leaf.get(), key) != 1) {
          check.problems.push_back(std::string(kKey) + ": " + tls.key.string() +
                                   " is not the key of tls.cert (GATEWAY_TLS_CERT)");
        }
        EVP_PKEY_free(key);
      }
      ERR_clear_error();
    }
  }
  if (!tls.ca.empty()) {
    std::string error;
    const auto certs = loadCertificates(tls.ca, error);
    if (!error.empty()) {
      check.problems.push_back(std::string(kCa) + ": " + error);
    } else {
      checkValidity(kCa, tls.ca, certs, now, check);
    }
  }
  for (const auto& soon : expiringCertificates(tls, now)) {
    if (soon.days_left >= 0 && soon.not_after > now) check.warnings.push_back(soon.describe());
  }
  return check;
}

std::vector<ExpiringCertificate> expiringCertificates(const config::TlsSettings& tls,
                                                      Clock::time_point now,
                                                      std::chrono::hours within) {
  std::vector<ExpiringCertificate> out;
  addExpiring(kCert, tls.cert, now, within, out);
  addExpiring(kCa, tls.ca, now, within, out);
  return out;
}

}  // namespace gateway::dicom
