#pragma once

#include <chrono>
#include <cstddef>

namespace gateway::dicom {

enum class GateResult {
  kComplete,  // a whole A-ASSOCIATE-RQ PDU is buffered in the kernel: parsing cannot block
  kTimedOut,  // the peer did not send a whole request before the deadline
  kClosed,    // the peer closed or reset the connection
  kNotDicom,  // the first bytes are not an A-ASSOCIATE-RQ PDU header
  kTooLarge,  // the announced request is larger than we are willing to read
};

const char* toString(GateResult result);

// Waits, without consuming anything, until the first PDU on `fd` is a complete
// A-ASSOCIATE-RQ, or the deadline passes. DCMTK's own listener reads the request with no
// overall deadline, so one peer that connects and stalls (or trickles a byte at a time)
// would block every later association; checking with MSG_PEEK first and handing the socket
// to DCMTK only when the request is whole keeps DCMTK's read from ever waiting.
GateResult waitForAssociationRequest(int fd, std::chrono::steady_clock::time_point deadline,
                                     std::size_t max_pdu_bytes);

}  // namespace gateway::dicom
