#pragma once

#include <dcmtk/dcmtls/tlslayer.h>

#include <map>
#include <memory>
#include <mutex>

#include "common/config/gateway_config.h"
#include "common/dicom/tls_session.h"

namespace gateway::dicom {

// The server side of DICOM TLS for one listening port (ADR 0015): DCMTK's BCP 195
// non-downgrading profile (TLS 1.2 and 1.3 only, its AES-GCM cipher suites; security level
// 2), the gateway's certificate and key, and, with a CA, client certificates requested (and
// required with verify_peer) and verified against it.
//
// The handshake is not DCMTK's: the admission thread establishes each session without
// blocking (TlsSession) and a worker then hands it over, with the association request the
// admission thread already read, through this transport layer: DCMTK's acceptor calls
// createConnection() for the socket, and gets a connection over that established session
// (whose handshake call returns at once) that first replays the request bytes.
//
// Threads: built before any thread starts; handOver/withdraw/createConnection run on workers.
class TlsServerContext : public DcmTLSTransportLayer {
 public:
  // Throws std::runtime_error naming the setting (tls.cert (GATEWAY_TLS_CERT), ...).
  explicit TlsServerContext(const config::TlsSettings& settings);
  ~TlsServerContext() override;

  ssl_ctx_st* context() { return getNativeHandle(); }

  // A worker, just before ASC_receiveAssociation on `fd`: the session DCMTK is to use.
  void handOver(int fd, std::shared_ptr<TlsSession> session);
  // Just after: drops a session DCMTK did not ask for (it failed before createConnection);
  // true when there was one, i.e. DCMTK never took over the socket.
  bool withdraw(int fd);

  // DCMTK (the worker's ASC_receiveAssociation): the connection over the session handed
  // over for this socket. None was: null, which DCMTK turns into a failed association (never
  // a handshake on a worker).
  DcmTransportConnection* createConnection(DcmNativeSocketType socket,
                                           OFBool use_secure_layer) override;

 private:
  std::mutex mutex_;
  std::map<int, std::shared_ptr<TlsSession>> handed_over_;
};

}  // namespace gateway::dicom
