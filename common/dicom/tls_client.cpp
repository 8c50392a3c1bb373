#include "common/dicom/tls_client.h"

#include <dcmtk/dcmtls/tlslayer.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <stdexcept>

#include "common/dicom/tls_profile.h"

namespace gateway::dicom {

TlsClientSettings selfCallTls(const config::TlsSettings& tls) {
  TlsClientSettings settings;
  settings.trust = tls.ca.empty() ? tls.cert : tls.ca;
  settings.partial_chain = tls.ca.empty();
  settings.cert = tls.cert;
  settings.key = tls.key;
  return settings;
}

TlsClientSettings remoteCallTls(const config::TlsSettings& tls) {
  TlsClientSettings settings;
  settings.trust = tls.ca;
  settings.cert = tls.cert;
  settings.key = tls.key;
  return settings;
}

std::unique_ptr<DcmTransportLayer> makeClientTransport(const TlsClientSettings& settings) {
  auto layer = std::make_unique<DcmTLSTransportLayer>(NET_REQUESTOR, nullptr, OFTrue);
  applyBcp195Profile(*layer);
  SSL_CTX* ctx = layer->getNativeHandle();
  if (settings.trust.empty()) {
    throw std::runtime_error("TLS needs tls.ca (GATEWAY_TLS_CA) to verify the server");
  }
  if (SSL_CTX_load_verify_locations(ctx, settings.trust.c_str(), nullptr) != 1) {
    throw std::runtime_error("cannot use " + settings.trust.string() +
                             " to verify the server: " + openSslReason());
  }
  if (settings.partial_chain) {
    X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx), X509_V_FLAG_PARTIAL_CHAIN);
  }
  if (!settings.cert.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, settings.cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, settings.key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
      throw std::runtime_error("cannot use the client certificate " + settings.cert.string() +
                               " with " + settings.key.string() + ": " + openSslReason());
    }
  }
  layer->setCertificateVerification(DCV_requireCertificate);
  ERR_clear_error();
  return layer;
}

}  // namespace gateway::dicom
