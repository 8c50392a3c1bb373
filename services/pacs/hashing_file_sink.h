#pragma once

#include <dcmtk/dcmdata/dcostrma.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/crypto/sha256.h"

namespace gateway::pacs {

// The end of DCMTK's output stream when an object is received straight to disk: collects
// the bytes in a 1 MiB buffer (the meta header arrives as dozens of tiny writes, the
// dataset as one PDV at a time), writes it to a file descriptor, hashes everything
// (SHA-256) on the way, and refuses to grow past a byte limit. Once good() is false DCMTK drains
// the rest of the dataset from the network and reports DIMSEC_OUTOFRESOURCES, so the peer still
// gets a response.
class HashingFileSink : public DcmConsumer {
 public:
  enum class Failure { kNone, kTooLarge, kIoError };

  HashingFileSink(int fd, std::uint64_t limit_bytes);
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
  std::uint64_t limit_;
  std::uint64_t written_ = 0;
  std::uint64_t on_disk_ = 0;  // bytes handed to write(); written_ counts buffered ones too
  std::uint64_t writeback_started_ = 0;
  Failure failure_ = Failure::kNone;
  int errno_ = 0;
  crypto::Sha256 sha_;  // hashes each write() where its bytes are, before any copy
};

}  // namespace gateway::pacs
