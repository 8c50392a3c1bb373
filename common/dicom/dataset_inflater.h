#pragma once

#include <zlib.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gateway::dicom {

// Inflates a Deflated Explicit VR Little Endian dataset (raw deflate, RFC 1951, PS3.5 A.5)
// chunk by chunk as it arrives, handing each inflated piece to `out` and never holding more
// than one small buffer: a decompression bomb costs time, never memory, and the caller stops
// it as soon as the decoded size passes its cap (out returns false).
class DatasetInflater {
 public:
  using Output = std::function<bool(const std::uint8_t* data, std::size_t size)>;
  explicit DatasetInflater(Output out);
  ~DatasetInflater();
  DatasetInflater(const DatasetInflater&) = delete;
  DatasetInflater& operator=(const DatasetInflater&) = delete;

  // false when the stream is corrupt (error()) or `out` asked to stop.
  bool feed(const std::uint8_t* data, std::size_t size);
  // true when the deflate stream ended properly.
  bool finished() const { return ended_; }
  const std::string& error() const { return error_; }

 private:
  z_stream stream_{};
  bool ended_ = false;
  std::string error_;
  std::vector<std::uint8_t> buffer_;
  Output out_;
};

}  // namespace gateway::dicom
