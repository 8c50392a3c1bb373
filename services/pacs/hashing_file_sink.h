#pragma once

#include <dcmtk/dcmdata/dcostrma.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "common/crypto/sha256.h"
#include "common/durable/chunk_buffers.h"
#include "common/durable/chunk_worker.h"
#include "common/durable/direct_chunk_writer.h"

namespace gateway::pacs {

// Where a received object is written: collects the bytes in 1 MiB buffers (the meta header
// arrives as dozens of tiny writes through DCMTK's stream, the dataset one PDV at a time from
// the DICOM edge), writes them to a file descriptor and hashes everything (SHA-256) on the
// way. Size limits are the edge's (incoming_dataset.h); this only reports I/O errors.
//
// An object larger than one buffer is written in full buffers with O_DIRECT on a writer
// thread and hashed on a hashing thread, both while the next buffer fills
// (durable::DirectChunkWriter, durable::ChunkWorker, ADR 0020), so the receiving thread only
// reads the socket and copies. The last (for a
// small object the only) buffer is written at the end: its whole 4 KiB blocks with O_DIRECT
// on the receiving thread, the rest through the page cache. Where O_DIRECT is not available
// (tmpfs, some overlay file systems), everything goes through the page cache with early
// write-back.
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
  using Buffer = durable::ChunkBuffers::Buffer;

  bool flushFullBuffer();
  bool directFailed();
  bool writeLastBuffer();
  // Hashes on this thread, after whatever the hashing thread still has.
  void hashHere(const char* bytes, std::size_t length);
  // Through the page cache, with early write-back.
  bool writeOut(const char* bytes, std::size_t length, std::uint64_t offset);

  int fd_;
  Buffer buffers_[2];
  int current_ = 0;         // the buffer being filled
  std::size_t filled_ = 0;  // bytes in it
  int in_flight_ = -1;      // the buffer the direct writer has, or -1
  std::uint64_t in_flight_offset_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t on_disk_ = 0;  // file offset of the buffer being filled
  std::uint64_t writeback_started_ = 0;
  bool direct_unavailable_ = false;
  crypto::Sha256 sha_;  // hashes each buffer's bytes, in file order
  // Both destroyed before the buffers and the hash: each waits for its chunk.
  std::optional<durable::ChunkWorker> hasher_;
  std::optional<durable::DirectChunkWriter> direct_;
  Failure failure_ = Failure::kNone;
  int errno_ = 0;
};

}  // namespace gateway::pacs
