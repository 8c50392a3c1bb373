#pragma once

#include <cstddef>

namespace gateway::dicom {

enum class RequestState {
  kComplete,    // a whole A-ASSOCIATE-RQ PDU is buffered in the kernel: parsing cannot block
  kIncomplete,  // not all of it has arrived yet
  kClosed,      // the peer closed or reset the connection before sending all of it
  kNotDicom,    // the first bytes are not an A-ASSOCIATE-RQ PDU header
  kTooLarge,    // the announced request is larger than we are willing to read
};

const char* toString(RequestState state);

// Pure: what the first bytes of a connection say. `header` holds the first
// min(available, 6) bytes (or fewer when only those could be looked at); `available` is how
// many have arrived in all. `bytes_needed`, when given, is set as below.
RequestState classifyAssociationRequest(const unsigned char* header, std::size_t header_bytes,
                                        std::size_t available, std::size_t max_pdu_bytes,
                                        std::size_t* bytes_needed = nullptr);

// Looks, without consuming anything and without blocking, at what `fd` has received so far.
// DCMTK reads the association request with no overall deadline, so it is handed a socket only
// once this says kComplete. `bytes_needed`, when given, is set to the whole request's size
// once its header is known (for SO_RCVLOWAT), else to the header's 6 bytes.
RequestState inspectAssociationRequest(int fd, std::size_t max_pdu_bytes,
                                       std::size_t* bytes_needed = nullptr);

}  // namespace gateway::dicom
