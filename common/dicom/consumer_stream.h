#pragma once

#include <dcmtk/dcmdata/dcostrma.h>

namespace gateway::dicom {

// DcmOutputStream's constructor is protected; this is the plain stream over a consumer.
class ConsumerStream : public DcmOutputStream {
 public:
  explicit ConsumerStream(DcmConsumer* consumer) : DcmOutputStream(consumer) {}
};

}  // namespace gateway::dicom
