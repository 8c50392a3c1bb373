#include "common/dicom/incoming_dataset.h"

#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcostrma.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmnet/dimse.h>
#include <fmt/format.h>

#include <limits>
#include <optional>
#include <stdexcept>

#include "common/dicom/consumer_stream.h"
#include "common/dicom/dataset_codec.h"
#include "common/dicom/dataset_inflater.h"

namespace gateway::dicom {
namespace {

// The end of DCMTK's output stream while a dataset is received: every chunk is inflated
// (when deflated), scanned and counted before it reaches the sink. Once a check fails, the
// rest of the dataset is still taken from DCMTK, but only counted and dropped: the dataset
// is read to its end so the association can be answered. (Failing a write instead would make
// DCMTK drain the dataset itself, and when the failing write is the last PDV, it waits for
// data that never comes.)
class CheckingConsumer : public DcmConsumer {
 public:
  using Outcome = ReceivedDataset::Outcome;

  CheckingConsumer(const TransferSyntaxEncoding& encoding, const ReceiveLimits& limits,
                   DatasetSink& sink)
      : limits_(limits),
        sink_(sink),
        scanner_(encoding.deflated ? DatasetEncoding::kExplicitLittle : encoding.encoding,
                 limits.max_depth, limits.max_bytes, limits.max_bytes_setting) {
    if (encoding.deflated) {
      inflater_.emplace(
          [this](const std::uint8_t* data, std::size_t size) { return checkDecoded(data, size); });
    }
  }

  OFBool good() const override { return OFTrue; }
  OFCondition status() const override { return EC_Normal; }
  OFBool isFlushed() const override { return OFTrue; }
  offile_off_t avail() const override {
    return static_cast<offile_off_t>(std::numeric_limits<std::int32_t>::max());
  }
  void flush() override {}

  offile_off_t write(const void* buf, offile_off_t buflen) override {
    if (buflen <= 0) return 0;
    const auto* bytes = static_cast<const std::uint8_t*>(buf);
    const auto length = static_cast<std::size_t>(buflen);
    wire_bytes_ += length;
    if (stopped()) return buflen;  // read to the end, dropped
    if (wire_bytes_ > limits_.max_bytes) {
      tooLarge();
      return buflen;
    }
    if (inflater_) {
      if (!inflater_->feed(bytes, length)) {
        if (!stopped()) stopWith(Outcome::kMalformed, inflater_->error());
        return buflen;
      }
    } else if (!checkDecoded(bytes, length)) {
      return buflen;
    }
    bool written = false;
    try {
      written = sink_.write(bytes, length);
    } catch (...) {
      written = false;  // no exception crosses into DCMTK; the sink's owner reports it
    }
    if (!written) stopWith(Outcome::kSinkFailed, "");
    return buflen;
  }

  // After the last byte: the dataset must end where an element and every sequence end.
  void finish() {
    if (stopped()) return;
    if (inflater_ && !inflater_->finished()) {
      stopWith(Outcome::kMalformed, "deflated data is truncated");
    } else if (!scanner_.finish()) {
      stopWith(Outcome::kMalformed, scanner_.error());
    }
  }

  Outcome stop() const { return stop_; }
  DatasetScanner::Failure scanFailure() const { return scanner_.failure(); }
  const std::string& problem() const { return problem_; }
  std::uint64_t wireBytes() const { return wire_bytes_; }
  std::uint64_t decodedBytes() const { return decoded_bytes_; }

 private:
  bool checkDecoded(const std::uint8_t* data, std::size_t size) {
    decoded_bytes_ += size;
    if (decoded_bytes_ > limits_.max_bytes) {
      tooLarge();
      return false;
    }
    if (!scanner_.feed(data, size)) {
      stopWith(scanner_.failure() == DatasetScanner::Failure::kTooLarge ? Outcome::kTooLarge
                                                                        : Outcome::kMalformed,
               scanner_.error());
      return false;
    }
    return true;
  }

  void tooLarge() {
    stopWith(Outcome::kTooLarge, fmt::format("dataset larger than {} ({} bytes)",
                                             limits_.max_bytes_setting, limits_.max_bytes));
  }

  bool stopped() const { return stop_ != Outcome::kComplete; }

  void stopWith(Outcome outcome, std::string problem) {
    if (stopped()) return;
    stop_ = outcome;
    problem_ = std::move(problem);
  }

  const ReceiveLimits& limits_;
  DatasetSink& sink_;
  DatasetScanner scanner_;
  std::optional<DatasetInflater> inflater_;
  Outcome stop_ = Outcome::kComplete;
  std::string problem_;
  std::uint64_t wire_bytes_ = 0;
  std::uint64_t decoded_bytes_ = 0;
};

}  // namespace

ReceivedDataset receiveDataset(T_ASC_Association* assoc, T_ASC_PresentationContextID command_id,
                               int timeout_seconds, const TransferSyntaxEncoding& encoding,
                               const ReceiveLimits& limits, DatasetSink& sink) {
  CheckingConsumer consumer(encoding, limits, sink);
  ConsumerStream stream(&consumer);
  T_ASC_PresentationContextID data_id = 0;
  const OFCondition cond = DIMSE_receiveDataSetInFile(assoc, DIMSE_NONBLOCKING, timeout_seconds,
                                                      &data_id, &stream, nullptr, nullptr);
  ReceivedDataset out;
  out.wire_bytes = consumer.wireBytes();
  out.decoded_bytes = consumer.decodedBytes();
  out.condition = cond;
  if (cond.bad()) {
    out.outcome = ReceivedDataset::Outcome::kBroken;
    return out;
  }
  if (data_id != command_id) {
    out.outcome = ReceivedDataset::Outcome::kOtherContext;
    out.problem = "dataset sent on a different presentation context than its command";
    return out;
  }
  consumer.finish();
  out.outcome = consumer.stop();
  out.problem = consumer.problem();
  out.scan_failure = consumer.scanFailure();
  out.decoded_bytes = consumer.decodedBytes();
  return out;
}

std::unique_ptr<DcmDataset> parseReceivedDataset(const std::vector<std::uint8_t>& bytes,
                                                 const std::string& transfer_syntax_uid) {
  return decodeDataset(bytes.data(), bytes.size(), DcmXfer(transfer_syntax_uid.c_str()).getXfer());
}

}  // namespace gateway::dicom
