#pragma once

#include <dcmtk/dcmnet/dcmlayer.h>

#include <filesystem>
#include <memory>

#include "common/config/gateway_config.h"

namespace gateway::dicom {

// How one of the gateway's own SCUs speaks DICOM TLS to a server.
struct TlsClientSettings {
  // Trust anchors for the server's certificate: a CA bundle, or (with `partial_chain`) the
  // very certificate the server is expected to show.
  std::filesystem::path trust;
  bool partial_chain = false;
  // Presented when the server asks for a client certificate (mutual TLS); may be empty.
  std::filesystem::path cert;
  std::filesystem::path key;
};

// The SCUs that call the gateway itself (healthcheck, emulate): they trust tls.ca, or, when
// no CA is configured, exactly the gateway's own certificate (tls.cert); and they present
// the gateway's certificate, so they pass a TLS port that requires client certificates.
TlsClientSettings selfCallTls(const config::TlsSettings& tls);

// The callers of other AEs (commitment reports, C-MOVE destinations, forwarding) to a known
// AE with `tls`: they trust tls.ca only (empty: the call fails, it cannot be verified) and
// present the gateway's certificate.
TlsClientSettings remoteCallTls(const config::TlsSettings& tls);

// A BCP 195 (non-downgrading) requestor transport layer: TLS 1.2 or 1.3, the profile's
// cipher suites, the server's certificate required and verified against `settings.trust`.
// Throws std::runtime_error naming the file at fault.
std::unique_ptr<DcmTransportLayer> makeClientTransport(const TlsClientSettings& settings);

}  // namespace gateway::dicom
