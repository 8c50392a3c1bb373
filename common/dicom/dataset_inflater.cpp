#include "common/dicom/dataset_inflater.h"

namespace gateway::dicom {
namespace {
constexpr std::size_t kChunk = 64 * 1024;
}

DatasetInflater::DatasetInflater(Output out) : buffer_(kChunk), out_(std::move(out)) {
  if (inflateInit2(&stream_, -MAX_WBITS) != Z_OK) error_ = "cannot initialise inflate";
}

DatasetInflater::~DatasetInflater() { inflateEnd(&stream_); }

bool DatasetInflater::feed(const std::uint8_t* data, std::size_t size) {
  if (!error_.empty()) return false;
  if (ended_) return true;  // bytes after the end of the stream (padding) are ignored
  stream_.next_in = const_cast<Bytef*>(data);
  stream_.avail_in = static_cast<uInt>(size);
  for (;;) {
    stream_.next_out = buffer_.data();
    stream_.avail_out = static_cast<uInt>(buffer_.size());
    const int rc = inflate(&stream_, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      error_ = std::string("deflated data is corrupt: ") + (stream_.msg ? stream_.msg : "zlib");
      return false;
    }
    const std::size_t produced = buffer_.size() - stream_.avail_out;
    if (produced > 0 && !out_(buffer_.data(), produced)) return false;
    if (rc == Z_STREAM_END) {
      ended_ = true;
      break;
    }
    // Room left in the buffer: zlib has used all the input it can for now.
    if (stream_.avail_out != 0) break;
  }
  return true;
}

}  // namespace gateway::dicom
