#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gateway::dicom {

// How the elements of a dataset are encoded on the wire (PS3.5 7.1, A.1-A.5). Deflated
// datasets are scanned after inflating, as explicit VR little endian.
enum class DatasetEncoding { kImplicitLittle, kExplicitLittle, kExplicitBig };

struct TransferSyntaxEncoding {
  DatasetEncoding encoding = DatasetEncoding::kExplicitLittle;
  bool deflated = false;
};
// The encoding of a transfer syntax UID; nullopt for one DCMTK does not know.
std::optional<TransferSyntaxEncoding> encodingOfTransferSyntax(const std::string& uid);

// A non-recursive check of a dataset's structure, fed its bytes as they arrive, before
// DCMTK's recursive parser ever sees them (DCMTK 3.6.7 has no depth limit: a deeply nested
// dataset overflows the stack and kills the process). It follows element headers,
// sequences, items, delimiters and encapsulated pixel data, with an explicit stack, and
// refuses at once:
//  - nesting deeper than `max_depth` sequences,
//  - an element whose declared length does not fit in its item or sequence, or would take
//    the dataset past `max_bytes` (checked before anyone allocates for it),
//  - items outside sequences, elements where an item belongs, stray delimiters,
//    undefined lengths where DICOM allows none;
// and finish() refuses a dataset that ends inside an element or leaves a sequence open.
// Only headers are examined: value bytes (pixel data) are skipped by counting.
// It decides "sequence or not" as DCMTK does with its default settings (explicit VR: the
// VR, undefined-length UN as an implicit VR sequence; implicit VR: the data dictionary),
// and counts as a sequence any private or unknown implicit VR element whose value starts
// with an item tag, so that nothing DCMTK would descend into escapes the depth count.
class DatasetScanner {
 public:
  // `max_bytes_name` names the cap in messages (e.g. "PACS_MAX_OBJECT_SIZE").
  DatasetScanner(DatasetEncoding encoding, std::size_t max_depth, std::uint64_t max_bytes,
                 std::string max_bytes_name = "the limit");

  // Scans the next bytes; false once the dataset is known to be malformed (then error()).
  bool feed(const std::uint8_t* data, std::size_t size);
  // The dataset is complete: false when it ends inside an element or a sequence.
  bool finish();

  enum class Failure { kNone, kMalformed, kTooDeep, kTooLarge, kTruncated };
  Failure failure() const { return failure_; }
  bool failed() const { return failure_ != Failure::kNone; }
  // Why it was refused, short enough for an Error Comment, e.g. "nested deeper than 64
  // levels at (0040,A730)" or "truncated in (7FE0,0010): 1048576 bytes declared, 1000 present".
  const std::string& error() const { return error_; }
  std::uint64_t bytesScanned() const { return position_; }
  std::size_t deepestNesting() const { return deepest_; }

 private:
  enum class FrameKind { kDataset, kSequence, kItem, kPixelSequence };
  struct Frame {
    FrameKind kind;
    std::uint64_t end;    // absolute offset just past it; kUndefined: closed by a delimiter
    std::uint64_t bound;  // the nearest defined end of this frame or any around it
    bool implicit;        // encoding of the elements inside
    bool big_endian;
    std::uint32_t tag;  // the sequence's (or item's sequence's) tag, for messages
  };
  enum class State { kHeader, kSkipValue, kPeekValue };

  static constexpr std::uint64_t kUndefined = UINT64_MAX;

  std::size_t headerBytesNeeded() const;
  void processHeader();
  void processElementHeader(std::uint32_t tag, const char vr[2], bool explicit_vr,
                            std::uint32_t length);
  void processItemContextHeader(std::uint32_t tag, std::uint32_t length);
  void processPixelContextHeader(std::uint32_t tag, std::uint32_t length);
  void decidePeekedValue();
  void pushFrame(FrameKind kind, std::uint32_t tag, std::uint64_t end, bool implicit,
                 bool big_endian);
  void popFrame();
  void closeFinishedFrames();
  bool checkValueEnd(std::uint32_t tag, std::uint64_t end);
  void skipValue(std::uint32_t tag, std::uint32_t length);
  void fail(Failure failure, std::string message);

  std::size_t max_depth_;
  std::uint64_t max_bytes_;
  std::string max_bytes_name_;
  std::vector<Frame> frames_;
  State state_ = State::kHeader;
  std::array<std::uint8_t, 12> header_{};
  std::size_t header_length_ = 0;
  std::uint64_t position_ = 0;      // bytes consumed so far
  std::uint64_t value_left_ = 0;    // kSkipValue / kPeekValue: bytes of the value still to come
  std::uint64_t value_start_ = 0;   // where the current value began
  std::uint32_t value_length_ = 0;  // its declared length
  std::uint32_t value_tag_ = 0;
  std::size_t depth_ = 0;  // sequences (and pixel sequences) open now
  std::size_t deepest_ = 0;
  Failure failure_ = Failure::kNone;
  std::string error_;
};

// "(7FE0,0010)"
std::string formatTag(std::uint32_t tag);

}  // namespace gateway::dicom
