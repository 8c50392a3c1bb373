#pragma once

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>

#include <optional>

#include "common/dicom/socket_cork.h"

namespace gateway::dicom {

class BatchingTcpConnection;

// A burst of C-FIND answers leaving in batches (ADR 0020): held in the connection's own
// buffer when the association runs over a BatchingTcpConnection (plain TCP: one write() per
// batch), else corked at the socket (TLS: full segments). push() lets the peer start on what
// is there while the rest is built; finish() sends the rest and ends the burst.
class AnswerBurst {
 public:
  AnswerBurst(T_ASC_Association* assoc, int socket);
  ~AnswerBurst();  // finish() if not done
  AnswerBurst(const AnswerBurst&) = delete;
  AnswerBurst& operator=(const AnswerBurst&) = delete;

  // False when the connection failed (the next DIMSE call reports it as well).
  bool push();
  bool finish();

 private:
  BatchingTcpConnection* connection_ = nullptr;
  std::optional<SocketCork> cork_;
  bool finished_ = false;
};

}  // namespace gateway::dicom
