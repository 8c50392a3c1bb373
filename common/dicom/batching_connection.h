#pragma once

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/dcmlayer.h>
#include <dcmtk/dcmnet/dcmtrans.h>

#include <vector>

namespace gateway::dicom {

// A plain TCP connection that can hold DCMTK's writes back in one buffer while a burst of
// C-FIND answers is written, and send them with one write() per batch (ADR 0020). DCMTK
// writes every PDU as two write()s and an answer as two PDUs; at 50 answers a query those
// syscalls were a fifth of the worklist's server time.
//
// Outside a batch every call goes straight to DcmTCPConnection. Inside one, nothing waits
// on the peer with bytes still held: reading, waiting for data and closing send the buffer
// first (a zero-timeout look for data does not). One association's thread uses it, as DCMTK
// does.
class BatchingTcpConnection : public DcmTCPConnection {
 public:
  explicit BatchingTcpConnection(DcmNativeSocketType socket) : DcmTCPConnection(socket) {}
  ~BatchingTcpConnection() override;

  // From now on writes are collected (bounded: a full buffer goes out by itself).
  void beginBatch() { batching_ = true; }
  // Sends what is collected and keeps collecting; false when the socket failed.
  bool flush();
  // Sends what is collected and writes straight through again.
  bool endBatch();

  ssize_t write(void* buf, size_t nbyte) override;
  ssize_t read(void* buf, size_t nbyte) override;
  OFBool networkDataAvailable(int timeout) override;
  void close() override;
  void closeTransportConnection() override;

 private:
  bool batching_ = false;
  bool failed_ = false;  // a held-back write could not be sent; the connection is lost
  std::vector<char> held_;
};

// DCMTK's plain transport, with BatchingTcpConnection as each association's connection. Set
// on an acceptor network without TLS (a TLS port keeps its own layer).
class BatchingTransportLayer : public DcmTransportLayer {
 public:
  BatchingTransportLayer() = default;
  DcmTransportConnection* createConnection(DcmNativeSocketType socket,
                                           OFBool use_secure_layer) override;
};

}  // namespace gateway::dicom
