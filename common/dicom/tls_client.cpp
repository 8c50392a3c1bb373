#include "common/dicom/tls_client.h"

#include <dcmtk/dcmtls/tlslayer.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <stdexcept>

namespace gateway::dicom {
namespace {

int noPassword(char*, int, int, void*) { return 0; }

std::string openSslReason() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  return reason != nullptr ? reason : "unknown OpenSSL error";
}

}  // namespace

TlsClientSettings selfCallTls(const config::TlsSettings& tls) {
  TlsClientSettings settings;
  settings.trust = tls.ca.empty() ? tls.cert : tls.ca;
  settings.partial_chain = tls.ca.empty();
  settings.cert = tls.cert;
  settings.key = tls.key;
  return settings;
}

std::unique_ptr<DcmTransportLayer> makeClientTransport(const TlsClientSettings& settings) {
  auto layer = std::make_unique<DcmTLSTransportLayer>(NET_REQUESTOR, nullptr, OFTrue);
  SSL_CTX* ctx = layer->getNativeHandle();
  if (ctx == nullptr) throw std::runtime_error("cannot create a TLS context: " + openSslReason());
  if (layer->setTLSProfile(TSP_Profile_BCP195_ND).bad() || layer->activateCipherSuites().bad()) {
    throw std::runtime_error("cannot set the BCP 195 TLS profile: " + openSslReason());
  }
  SSL_CTX_set_security_level(ctx, 2);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_default_passwd_cb(ctx, &noPassword);
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
