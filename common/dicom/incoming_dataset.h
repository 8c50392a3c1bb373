#pragma once

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmnet/assoc.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/dicom/dataset_scanner.h"

namespace gateway::dicom {

// Where a received dataset's bytes go, exactly as they came off the wire.
class DatasetSink {
 public:
  virtual ~DatasetSink() = default;
  // false: stop receiving; the edge reads and discards the rest, then answers.
  virtual bool write(const std::uint8_t* data, std::size_t size) = 0;
};

// A dataset held in memory (C-FIND identifiers, N-service attribute lists).
class MemoryDatasetSink : public DatasetSink {
 public:
  bool write(const std::uint8_t* data, std::size_t size) override {
    bytes_.insert(bytes_.end(), data, data + size);
    return true;
  }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

struct ReceiveLimits {
  std::uint64_t max_bytes = 0;  // of the decoded dataset, and of what arrives on the wire
  std::size_t max_depth = 64;   // sequence nesting
  const char* max_bytes_setting = "the limit";  // named in the message when the cap is hit
};

struct ReceivedDataset {
  enum class Outcome {
    kComplete,      // whole and well-formed
    kMalformed,     // refused by the structural pre-scan (too deep, truncated, broken)
    kTooLarge,      // over max_bytes, declared or received
    kSinkFailed,    // the sink said stop (its owner knows why)
    kOtherContext,  // arrived on another presentation context than its command
    kBroken,        // the association failed while receiving: it cannot be answered
  };
  Outcome outcome = Outcome::kBroken;
  std::string problem;  // for kMalformed / kTooLarge / kOtherContext: what is wrong
  DatasetScanner::Failure scan_failure = DatasetScanner::Failure::kNone;
  std::uint64_t wire_bytes = 0;
  std::uint64_t decoded_bytes = 0;
  OFCondition condition;  // kBroken: what DCMTK said
  bool ok() const { return outcome == Outcome::kComplete; }
};

// Receives the dataset that follows a command on `assoc`, streaming it into `sink` while it
// is checked: inflated as it arrives when the transfer syntax is deflated (the sink still
// gets the deflated bytes, as sent), pre-scanned (DatasetScanner), and capped. Nothing is
// ever parsed by DCMTK here, and nothing larger than the cap is ever held: once a check
// fails (or the sink says stop) the rest is read off the wire and dropped, so the
// association can still be answered.
ReceivedDataset receiveDataset(T_ASC_Association* assoc, T_ASC_PresentationContextID command_id,
                               int timeout_seconds, const TransferSyntaxEncoding& encoding,
                               const ReceiveLimits& limits, DatasetSink& sink);

// Parses a dataset that receiveDataset accepted (so its structure and depth are known to be
// safe). Throws std::runtime_error when DCMTK cannot read it.
std::unique_ptr<DcmDataset> parseReceivedDataset(const std::vector<std::uint8_t>& bytes,
                                                 const std::string& transfer_syntax_uid);

}  // namespace gateway::dicom
