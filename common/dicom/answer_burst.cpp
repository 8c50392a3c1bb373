#include "common/dicom/answer_burst.h"

#include <dcmtk/dcmnet/dul.h>

#include "common/dicom/batching_connection.h"

namespace gateway::dicom {

AnswerBurst::AnswerBurst(T_ASC_Association* assoc, int socket) {
  if (assoc != nullptr && assoc->DULassociation != nullptr) {
    connection_ =
        dynamic_cast<BatchingTcpConnection*>(DUL_getTransportConnection(assoc->DULassociation));
  }
  if (connection_ != nullptr) {
    connection_->beginBatch();
  } else {
    cork_.emplace(socket);
  }
}

AnswerBurst::~AnswerBurst() { finish(); }

bool AnswerBurst::push() {
  if (connection_ != nullptr) return connection_->flush();
  cork_->push();
  return true;
}

bool AnswerBurst::finish() {
  if (finished_) return true;
  finished_ = true;
  if (connection_ != nullptr) return connection_->endBatch();
  cork_.reset();
  return true;
}

}  // namespace gateway::dicom
