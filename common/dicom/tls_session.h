#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/dicom/access_policy.h"
#include "common/dicom/association_request.h"

struct ssl_st;
struct ssl_ctx_st;

namespace gateway::dicom {

// The server side of one DICOM TLS connection while the admission thread holds it: the TLS
// handshake and then the decrypted A-ASSOCIATE-RQ, driven without ever blocking (the socket
// is non-blocking and sits in the admission thread's epoll set), so a peer that stalls in
// the handshake costs no worker and is dropped at the same deadline as a silent plain
// connection. Once complete, the session (with the request bytes it has read) goes to a
// worker, where TlsServerContext hands it to DCMTK.
//
// Threads: used by one thread at a time (admission, then the worker that takes it).
class TlsSession {
 public:
  TlsSession(ssl_ctx_st* context, int fd);
  ~TlsSession();  // frees the OpenSSL session unless released
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  enum class Step {
    kWantRead,   // wait until the socket is readable, then advance() again
    kWantWrite,  // wait until it is writable
    kComplete,   // the whole association request has been read: hand it to a worker
    kFailed,     // the handshake failed (error() says why): drop
    kClosed,     // the peer closed or reset the connection: drop
    kNotDicom,   // what came through TLS is not an A-ASSOCIATE-RQ: drop
    kTooLarge,   // the announced request is larger than max_request_bytes: drop
  };
  Step advance(std::size_t max_request_bytes);

  bool handshakeDone() const { return handshake_done_; }
  const std::string& error() const { return error_; }
  // After the handshake: what was negotiated and the client's certificate, if it sent one.
  const std::string& protocol() const { return protocol_; }  // "TLSv1.3"
  const std::string& cipher() const { return cipher_; }
  const std::optional<PeerCertificate>& peerCertificate() const { return peer_; }

  // The decrypted association request read so far (all of it once kComplete).
  const std::vector<unsigned char>& request() const { return request_; }
  std::vector<unsigned char> takeRequest() { return std::move(request_); }
  // Hands the OpenSSL session over (to DCMTK): this object no longer frees it.
  ssl_st* release();

  // Sends `bytes` through the session without waiting and closes the TLS session (a
  // close_notify); the caller closes the socket. For answers given by the admission thread.
  void sendAndShutdown(const unsigned char* bytes, std::size_t size);

 private:
  Step handshake();
  Step stepAfter(int result);  // what SSL_get_error says after a call that returned `result`
  void describePeer();

  ssl_st* ssl_ = nullptr;
  bool handshake_done_ = false;
  std::string error_;
  std::string protocol_;
  std::string cipher_;
  std::optional<PeerCertificate> peer_;
  std::vector<unsigned char> request_;
};

const char* toString(TlsSession::Step step);

}  // namespace gateway::dicom
