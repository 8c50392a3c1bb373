#include "common/dicom/tls_session.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>

#include "common/dicom/tls_profile.h"

namespace gateway::dicom {
namespace {

std::string hexUpper(const unsigned char* data, unsigned length) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(length * 2);
  for (unsigned i = 0; i < length; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0f]);
  }
  return out;
}

}  // namespace

const char* toString(TlsSession::Step step) {
  switch (step) {
    case TlsSession::Step::kWantRead:
    case TlsSession::Step::kWantWrite:
      return "in progress";
    case TlsSession::Step::kComplete:
      return "complete";
    case TlsSession::Step::kFailed:
      return "TLS handshake failed";
    case TlsSession::Step::kClosed:
      return "connection closed during TLS handshake or association request";
    case TlsSession::Step::kNotDicom:
      return toString(RequestState::kNotDicom);
    case TlsSession::Step::kTooLarge:
      return toString(RequestState::kTooLarge);
  }
  return "unknown";
}

TlsSession::TlsSession(ssl_ctx_st* context, int fd) {
  ssl_ = SSL_new(context);
  if (ssl_ != nullptr) {
    SSL_set_fd(ssl_, fd);
    SSL_set_accept_state(ssl_);
  }
}

TlsSession::~TlsSession() {
  if (ssl_ != nullptr) SSL_free(ssl_);
}

ssl_st* TlsSession::release() {
  ssl_st* ssl = ssl_;
  ssl_ = nullptr;
  return ssl;
}

TlsSession::Step TlsSession::handshake() {
  ERR_clear_error();
  const int result = SSL_accept(ssl_);
  if (result == 1) {
    handshake_done_ = true;
    describePeer();
    return Step::kComplete;
  }
  return stepAfter(result);
}

TlsSession::Step TlsSession::stepAfter(int result) {
  switch (SSL_get_error(ssl_, result)) {
    case SSL_ERROR_WANT_READ:
      return Step::kWantRead;
    case SSL_ERROR_WANT_WRITE:
      return Step::kWantWrite;
    case SSL_ERROR_ZERO_RETURN:
      return Step::kClosed;
    case SSL_ERROR_SYSCALL:
      // A reset or an EOF without close_notify: the peer went away (a port scanner, a
      // client that gave up). Anything in the error queue is a real failure.
      if (ERR_peek_error() == 0) return Step::kClosed;
      error_ = openSslReason("I/O error");
      return Step::kFailed;
    default:
      error_ = openSslReason(handshake_done_ ? "read error" : "handshake error");
      return Step::kFailed;
  }
}

void TlsSession::describePeer() {
  protocol_ = SSL_get_version(ssl_);
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_);
  cipher_ = cipher != nullptr ? SSL_CIPHER_get_name(cipher) : "";
  X509* cert = SSL_get1_peer_certificate(ssl_);
  if (cert == nullptr) return;
  PeerCertificate peer;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &length) == 1) peer.sha256 = hexUpper(digest, length);
  peer.subject = certificateSubject(cert);
  X509_free(cert);
  peer_ = std::move(peer);
}

TlsSession::Step TlsSession::advance(std::size_t max_request_bytes) {
  if (ssl_ == nullptr) {
    error_ = "cannot create a TLS session";
    return Step::kFailed;
  }
  if (!handshake_done_) {
    const Step step = handshake();
    if (step != Step::kComplete) return step;
  }
  for (;;) {
    std::size_t needed = 0;
    const RequestState state =
        classifyAssociationRequest(request_.data(), std::min<std::size_t>(request_.size(), 6),
                                   request_.size(), max_request_bytes, &needed);
    switch (state) {
      case RequestState::kComplete:
        return Step::kComplete;
      case RequestState::kNotDicom:
        return Step::kNotDicom;
      case RequestState::kTooLarge:
        return Step::kTooLarge;
      case RequestState::kClosed:
        return Step::kClosed;
      case RequestState::kIncomplete:
        break;
    }
    // Read no more than the request: whatever follows stays in the session for DCMTK.
    const std::size_t have = request_.size();
    request_.resize(needed);
    ERR_clear_error();
    const int got = SSL_read(ssl_, request_.data() + have, static_cast<int>(needed - have));
    request_.resize(have + static_cast<std::size_t>(std::max(got, 0)));
    if (got <= 0) return stepAfter(got);
  }
}

void TlsSession::sendAndShutdown(const unsigned char* bytes, std::size_t size) {
  if (ssl_ == nullptr || !handshake_done_) return;
  ERR_clear_error();
  SSL_write(ssl_, bytes, static_cast<int>(size));
  SSL_shutdown(ssl_);
  ERR_clear_error();
}

}  // namespace gateway::dicom
