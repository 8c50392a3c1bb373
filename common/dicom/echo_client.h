#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/dicom/tls_client.h"

namespace gateway::dicom {

struct EchoResult {
  bool ok = false;
  std::string error;  // empty when ok
  long long milliseconds = 0;
};

// Opens an association (DICOM TLS when `tls` is given), sends one C-ECHO, releases. Used by
// `healthcheck`: health is proven by traffic, so this is the same path a modality takes.
EchoResult sendEcho(const std::string& host, std::uint16_t port, const std::string& calling_aet,
                    const std::string& called_aet, std::chrono::seconds timeout,
                    const TlsClientSettings* tls = nullptr);

}  // namespace gateway::dicom
