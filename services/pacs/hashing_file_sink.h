#pragma once

#include <dcmtk/dcmdata/dcostrma.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/crypto/sha256.h"

namespace gateway::pacs {

// Where a received object is written: collects the bytes in a 1 MiB buffer (the meta header
// arrives as dozens of tiny writes through DCMTK's stream, the dataset one PDV at a time from
// the DICOM edge), writes them to a file descriptor and hashes everything (SHA-256) on the
// way. Size limits are the edge's (incoming_dataset.h); this only reports I/O errors.
class HashingFileSink : public DcmConsumer {
 public:
  enum class Failure { kNone, kIoError };

  explicit HashingFileSink(int fd);
  ~HashingFileSink() override = default;
  HashingFileSink(const HashingFileSink&) = delete;
  HashingFileSink& operator=(const HashingFileSink&) = delete;

  OFBool good() const override { return failure_ == Failure::kNone; }
  OFCondition status() const override;
  OFBool isFlushed() const override { return OFTrue; }
  offile_off_t avail() const override;
  offile_off_t write(const void* buf, offile_off_t buflen) override;
  void flush() override {}

  std::uint64_t bytesWritten() const { return written_; }
  Failure failure() const { return failure_; }
  int errorNumber() const { return errno_; }
  std::string failureText() const;
  // Writes what is still buffered; false (with failure() set) when that fails. Call before
  // finishHash and before the file is synced.
  bool finish();
  // Lower-case hex SHA-256 of everything written; call once, after finish().
  std::string finishHash();

 private:
  bool writeOut(const char* bytes, std::size_t length);

  int fd_;
  std::vector<char> buffer_;
  std::uint64_t written_ = 0;
  std::uint64_t on_disk_ = 0;  // bytes handed to write(); written_ counts buffered ones too
  std::uint64_t writeback_started_ = 0;
  Failure failure_ = Failure::kNone;
  int errno_ = 0;
  crypto::Sha256 sha_;  // hashes each write() where its bytes are, before any copy
};

}  // namespace gateway::pacs
