#pragma once

#include <string>

class DcmTLSTransportLayer;
struct x509_st;

// How the gateway uses OpenSSL for DICOM TLS, in one place for the server side
// (TlsServerContext), our SCUs (tls_client.h) and the start-up checks (tls_credentials.h).
namespace gateway::dicom {

// Puts `layer` on the PS3.15 BCP 195 non-downgrading profile: TLS 1.2 and 1.3 only, the
// profile's four ECDHE/DHE-RSA AES-GCM suites for TLS 1.2 (OpenSSL's defaults for 1.3),
// security level 2 (no keys under 2048 bits, no SHA-1 signatures; DCMTK lowers it to 0 for
// its NULL-cipher profile), and encrypted keys refused rather than prompted for on the
// console. Throws std::runtime_error.
void applyBcp195Profile(DcmTLSTransportLayer& layer);

// OpenSSL's reason for the last failure on this thread ("unsupported protocol", "no shared
// cipher", "certificate verify failed", ...) or `fallback`; the error queue is left empty.
std::string openSslReason(const char* fallback = "unknown OpenSSL error");

// A password callback that supplies none, so an encrypted key fails to load.
int refuseKeyPassword(char* buffer, int size, int rwflag, void* user);

// A certificate's subject in RFC 2253 form ("O=Unit,CN=MAMMO1"), as
// `openssl x509 -noout -subject -nameopt RFC2253` prints it.
std::string certificateSubject(x509_st* certificate);

}  // namespace gateway::dicom
