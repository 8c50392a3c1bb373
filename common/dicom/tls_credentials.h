#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/config/gateway_config.h"

namespace gateway::dicom {

// Certificates expiring within this period are a WARNING at start and in the health report.
inline constexpr std::chrono::hours kCertificateWarningPeriod{24 * 30};

struct TlsFileCheck {
  std::vector<std::string> problems;  // fatal at start (exit 2), each naming its setting
  std::vector<std::string> warnings;  // logged at start: a certificate expiring soon
};

// Checks the files DICOM TLS needs before any port opens: the certificate (tls.cert) and the
// CA bundle (tls.ca) are readable PEM, valid at `now` (neither expired nor not yet valid),
// and the key (tls.key) is an unencrypted PEM key belonging to the certificate. Problems and
// warnings name the setting and its variable ("tls.cert (GATEWAY_TLS_CERT): ... expired on
// 2025-01-31"). Settings left empty are not checked.
TlsFileCheck checkTlsFiles(
    const config::TlsSettings& tls,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// One configured certificate that expires within the warning period (or has expired).
struct ExpiringCertificate {
  std::string setting;  // "tls.cert (GATEWAY_TLS_CERT)"
  std::string subject;  // RFC 2253
  std::chrono::system_clock::time_point not_after;
  long long days_left = 0;  // negative once expired

  std::string describe() const;  // one line: setting, subject, date, days left
};

// For the health report (and the start-up warning): every certificate of tls.cert and
// tls.ca that expires before `now + within`. Unreadable files are left out (checkTlsFiles
// reports those).
std::vector<ExpiringCertificate> expiringCertificates(
    const config::TlsSettings& tls,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now(),
    std::chrono::hours within = kCertificateWarningPeriod);

}  // namespace gateway::dicom
