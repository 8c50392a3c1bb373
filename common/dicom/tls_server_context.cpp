#include "common/dicom/tls_server_context.h"

#include <dcmtk/dcmtls/tlstrans.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "common/dicom/tls_profile.h"

namespace gateway::dicom {
namespace {

constexpr char kSessionContext[] = "screening-gateway";

// DCMTK's connection over a session established by the admission thread, which has already
// read the association request out of it: those bytes are replayed first.
class AdmittedTlsConnection : public DcmTLSConnection {
 public:
  AdmittedTlsConnection(DcmNativeSocketType socket, SSL* ssl, std::vector<unsigned char> request)
      : DcmTLSConnection(socket, ssl), replay_(std::move(request)) {}

  ssize_t read(void* buffer, size_t size) override {
    if (offset_ < replay_.size()) {
      const std::size_t take = std::min(size, replay_.size() - offset_);
      std::memcpy(buffer, replay_.data() + offset_, take);
      offset_ += take;
      return static_cast<ssize_t>(take);
    }
    return DcmTLSConnection::read(buffer, size);
  }

  OFBool networkDataAvailable(int timeout) override {
    return offset_ < replay_.size() ? OFTrue : DcmTLSConnection::networkDataAvailable(timeout);
  }

 private:
  std::vector<unsigned char> replay_;
  std::size_t offset_ = 0;
};

}  // namespace

TlsServerContext::TlsServerContext(const config::TlsSettings& settings)
    : DcmTLSTransportLayer(NET_ACCEPTOR, nullptr, OFTrue) {
  applyBcp195Profile(*this);
  SSL_CTX* ctx = getNativeHandle();
  // No resumption: every association does a full handshake (and its certificate checks),
  // and a TLS 1.3 server sends no tickets after the handshake.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_num_tickets(ctx, 0);
  SSL_CTX_set_session_id_context(ctx, reinterpret_cast<const unsigned char*>(kSessionContext),
                                 sizeof(kSessionContext) - 1);

  if (SSL_CTX_use_certificate_chain_file(ctx, settings.cert.c_str()) != 1) {
    throw std::runtime_error("tls.cert (GATEWAY_TLS_CERT): cannot use " + settings.cert.string() +
                             ": " + openSslReason());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, settings.key.c_str(), SSL_FILETYPE_PEM) != 1) {
    throw std::runtime_error("tls.key (GATEWAY_TLS_KEY): cannot use " + settings.key.string() +
                             ": " + openSslReason());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    throw std::runtime_error("tls.key (GATEWAY_TLS_KEY) does not belong to tls.cert");
  }
  if (!settings.ca.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, settings.ca.c_str(), nullptr) != 1) {
      throw std::runtime_error("tls.ca (GATEWAY_TLS_CA): cannot use " + settings.ca.string() +
                               ": " + openSslReason());
    }
    // Tell clients which CA we accept, so one with several certificates picks the right one.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(settings.ca.c_str())) {
      SSL_CTX_set_client_CA_list(ctx, names);
    }
    setCertificateVerification(settings.verify_peer ? DCV_requireCertificate
                                                    : DCV_checkCertificate);
  } else {
    setCertificateVerification(DCV_ignoreCertificate);
  }
  ERR_clear_error();
}

TlsServerContext::~TlsServerContext() = default;

void TlsServerContext::handOver(int fd, std::shared_ptr<TlsSession> session) {
  std::lock_guard lock(mutex_);
  handed_over_[fd] = std::move(session);
}

bool TlsServerContext::withdraw(int fd) {
  std::shared_ptr<TlsSession> left;  // freed outside the lock
  std::lock_guard lock(mutex_);
  auto it = handed_over_.find(fd);
  if (it == handed_over_.end()) return false;
  left = std::move(it->second);
  handed_over_.erase(it);
  return true;
}

DcmTransportConnection* TlsServerContext::createConnection(DcmNativeSocketType socket,
                                                           OFBool use_secure_layer) {
  if (!use_secure_layer) return DcmTLSTransportLayer::createConnection(socket, OFFalse);
  std::shared_ptr<TlsSession> session;
  {
    std::lock_guard lock(mutex_);
    auto it = handed_over_.find(socket);
    if (it == handed_over_.end()) return nullptr;
    session = std::move(it->second);
    handed_over_.erase(it);
  }
  std::vector<unsigned char> request = session->takeRequest();
  return new AdmittedTlsConnection(socket, session->release(), std::move(request));
}

}  // namespace gateway::dicom
