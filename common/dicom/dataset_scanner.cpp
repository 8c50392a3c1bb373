#include "common/dicom/dataset_scanner.h"

#include <dcmtk/dcmdata/dctag.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <fmt/format.h>

#include <algorithm>

namespace gateway::dicom {
namespace {

constexpr std::uint32_t kItemTag = 0xFFFEE000;
constexpr std::uint32_t kItemDelimitationTag = 0xFFFEE00D;
constexpr std::uint32_t kSequenceDelimitationTag = 0xFFFEE0DD;
constexpr std::uint32_t kPixelDataTag = 0x7FE00010;
constexpr std::uint32_t kUndefinedLength = 0xFFFFFFFF;

std::uint16_t read16(const std::uint8_t* p, bool big_endian) {
  return big_endian ? static_cast<std::uint16_t>((p[0] << 8) | p[1])
                    : static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

std::uint32_t read32(const std::uint8_t* p, bool big_endian) {
  return big_endian ? (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                          (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]}
                    : std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) |
                          (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24);
}

bool isPrivateTag(std::uint32_t tag) { return ((tag >> 16) & 1U) != 0; }

// The VR DCMTK's data dictionary gives a tag (implicit VR datasets).
DcmEVR dictionaryVr(std::uint32_t tag) {
  const DcmTag dcm_tag(static_cast<Uint16>(tag >> 16), static_cast<Uint16>(tag & 0xFFFF));
  return dcm_tag.getEVR();
}

bool isUnknownVr(DcmEVR vr) { return vr == EVR_UN || vr == EVR_UNKNOWN || vr == EVR_UNKNOWN2B; }

// An explicit VR as DCMTK reads it (DcmVR::setVR: standard VRs, some non-standard ones such
// as "ox" and "px", other upper-case pairs as "future" VRs with a 4-byte length, anything else
// as illegal with a 2-byte length). DCMTK's own answer for every possible pair of bytes,
// computed once: this runs for every element received, and the pre-scan must read lengths
// exactly as the parser will.
struct ExplicitVr {
  DcmEVR evr;
  bool extended_length;
};
ExplicitVr explicitVr(char a, char b) {
  static const std::vector<ExplicitVr> table = [] {
    std::vector<ExplicitVr> all(65536);
    for (unsigned i = 0; i < 65536; ++i) {
      const char name[3] = {static_cast<char>(i >> 8), static_cast<char>(i & 0xFF), 0};
      const DcmVR vr(name);
      all[i] = ExplicitVr{vr.getEVR(), vr.usesExtendedLengthEncoding() == OFTrue};
    }
    return all;
  }();
  return table[(static_cast<unsigned>(static_cast<unsigned char>(a)) << 8) |
               static_cast<unsigned char>(b)];
}

}  // namespace

std::string formatTag(std::uint32_t tag) {
  return fmt::format("({:04X},{:04X})", tag >> 16, tag & 0xFFFF);
}

std::optional<TransferSyntaxEncoding> encodingOfTransferSyntax(const std::string& uid) {
  const DcmXfer xfer(uid.c_str());
  if (xfer.getXfer() == EXS_Unknown) return std::nullopt;
  TransferSyntaxEncoding out;
  out.deflated = xfer.getStreamCompression() != ESC_none;
  if (xfer.isImplicitVR()) {
    out.encoding = DatasetEncoding::kImplicitLittle;
  } else if (xfer.isBigEndian()) {
    out.encoding = DatasetEncoding::kExplicitBig;
  } else {
    out.encoding = DatasetEncoding::kExplicitLittle;
  }
  return out;
}

DatasetScanner::DatasetScanner(DatasetEncoding encoding, std::size_t max_depth,
                               std::uint64_t max_bytes, std::string max_bytes_name)
    : max_depth_(max_depth), max_bytes_(max_bytes), max_bytes_name_(std::move(max_bytes_name)) {
  frames_.reserve(16);
  frames_.push_back(Frame{FrameKind::kDataset, kUndefined, kUndefined,
                          encoding == DatasetEncoding::kImplicitLittle,
                          encoding == DatasetEncoding::kExplicitBig, 0});
}

void DatasetScanner::fail(Failure failure, std::string message) {
  if (failed()) return;
  failure_ = failure;
  error_ = std::move(message);
}

bool DatasetScanner::feed(const std::uint8_t* data, std::size_t size) {
  std::size_t at = 0;
  while (at < size && !failed()) {
    if (state_ == State::kSkipValue) {
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(value_left_, size - at));
      at += take;
      position_ += take;
      value_left_ -= take;
      if (value_left_ == 0) {
        state_ = State::kHeader;
        closeFinishedFrames();
      }
      continue;
    }
    // Header bytes, or the first four bytes of a value that may be a sequence.
    const std::size_t need = state_ == State::kPeekValue ? 4 : headerBytesNeeded();
    while (header_length_ < need && at < size) {
      header_[header_length_++] = data[at++];
      ++position_;
    }
    if (header_length_ < need) break;
    if (state_ == State::kPeekValue) {
      decidePeekedValue();
    } else if (headerBytesNeeded() == header_length_) {
      processHeader();
    }
  }
  return !failed();
}

std::size_t DatasetScanner::headerBytesNeeded() const {
  const Frame& top = frames_.back();
  if (header_length_ < 4) return 4;
  if (top.kind == FrameKind::kSequence || top.kind == FrameKind::kPixelSequence) return 8;
  const std::uint16_t group = read16(header_.data(), top.big_endian);
  if (group == 0xFFFE || top.implicit) return 8;
  if (header_length_ < 6) return 6;
  const ExplicitVr vr = explicitVr(static_cast<char>(header_[4]), static_cast<char>(header_[5]));
  // DCMTK reads a 4-byte length straight after a VR of "na" (the VR of delimiters).
  if (vr.evr == EVR_na) return 10;
  return vr.extended_length ? 12 : 8;
}

void DatasetScanner::processHeader() {
  const Frame& top = frames_.back();
  const std::size_t length_of_header = header_length_;
  header_length_ = 0;
  const std::uint64_t header_start = position_ - length_of_header;
  const std::uint32_t tag = (std::uint32_t{read16(header_.data(), top.big_endian)} << 16) |
                            read16(header_.data() + 2, top.big_endian);
  if (position_ > top.bound) {
    fail(Failure::kMalformed, fmt::format("element {} at byte {} crosses the end of its item",
                                          formatTag(tag), header_start));
    return;
  }
  if (top.kind == FrameKind::kSequence) {
    processItemContextHeader(tag, read32(header_.data() + 4, top.big_endian));
  } else if (top.kind == FrameKind::kPixelSequence) {
    processPixelContextHeader(tag, read32(header_.data() + 4, top.big_endian));
  } else if ((tag >> 16) == 0xFFFE || top.implicit) {
    processElementHeader(tag, "  ", false, read32(header_.data() + 4, top.big_endian));
  } else {
    const char vr[2] = {static_cast<char>(header_[4]), static_cast<char>(header_[5])};
    const std::uint32_t length = length_of_header == 12 ? read32(header_.data() + 8, top.big_endian)
                                 : length_of_header == 10
                                     ? read32(header_.data() + 6, top.big_endian)
                                     : read16(header_.data() + 6, top.big_endian);
    processElementHeader(tag, vr, true, length);
  }
  if (!failed() && state_ == State::kHeader) closeFinishedFrames();
}

void DatasetScanner::processElementHeader(std::uint32_t tag, const char vr[2], bool explicit_vr,
                                          std::uint32_t length) {
  const Frame top = frames_.back();
  if ((tag >> 16) == 0xFFFE) {
    if (tag == kItemDelimitationTag && top.kind == FrameKind::kItem) {
      popFrame();
    } else if (tag == kSequenceDelimitationTag && top.kind == FrameKind::kItem &&
               frames_.size() >= 2 && frames_[frames_.size() - 2].end == kUndefined) {
      // An undefined-length item closed by its sequence's delimiter: DCMTK accepts it.
      popFrame();
      popFrame();
    } else if (tag == kItemTag) {
      fail(Failure::kMalformed, "item (FFFE,E000) outside a sequence");
    } else {
      fail(Failure::kMalformed, "unexpected delimiter " + formatTag(tag));
    }
    return;
  }
  DcmEVR evr = EVR_UNKNOWN;
  if (explicit_vr) {
    evr = explicitVr(vr[0], vr[1]).evr;
  } else {
    evr = dictionaryVr(tag);
  }
  if (length == kUndefinedLength) {
    // As DCMTK's DcmItem::newDicomElement decides it: the VR first, then the tag.
    const bool pixel_vr = evr == EVR_OB || evr == EVR_OW || evr == EVR_ox || evr == EVR_px;
    if (evr == EVR_SQ) {
      pushFrame(FrameKind::kSequence, tag, kUndefined, top.implicit, top.big_endian);
    } else if (isUnknownVr(evr) || (!explicit_vr && isPrivateTag(tag))) {
      // Undefined-length UN (or unknown) is a sequence in implicit VR little endian
      // (CP-246), even when the tag is Pixel Data.
      pushFrame(FrameKind::kSequence, tag, kUndefined, true, false);
    } else if ((tag == kPixelDataTag && pixel_vr) || evr == EVR_px) {
      pushFrame(FrameKind::kPixelSequence, tag, kUndefined, top.implicit, top.big_endian);
    } else {
      fail(Failure::kMalformed,
           "undefined length in " + formatTag(tag) + " " + DcmVR(evr).getVRName());
    }
    return;
  }
  const std::uint64_t end = position_ + length;
  if (!checkValueEnd(tag, end)) return;
  if (evr == EVR_SQ) {
    pushFrame(FrameKind::kSequence, tag, end, top.implicit, top.big_endian);
  } else if (!explicit_vr && length >= 8 && (isPrivateTag(tag) || isUnknownVr(evr))) {
    // DCMTK may know this private element as a sequence: look at its first bytes.
    state_ = State::kPeekValue;
    value_start_ = position_;
    value_length_ = length;
    value_tag_ = tag;
  } else {
    skipValue(tag, length);
  }
}

void DatasetScanner::decidePeekedValue() {
  const Frame& top = frames_.back();
  const std::uint32_t first = (std::uint32_t{read16(header_.data(), top.big_endian)} << 16) |
                              read16(header_.data() + 2, top.big_endian);
  state_ = State::kHeader;
  if (first == kItemTag) {
    // A sequence after all: the four bytes read start its first item's header.
    pushFrame(FrameKind::kSequence, value_tag_, value_start_ + value_length_, top.implicit,
              top.big_endian);
    header_length_ = failed() ? 0 : 4;
    return;
  }
  header_length_ = 0;
  value_left_ = value_length_ - 4;
  value_start_ = position_ - 4;
  state_ = value_left_ == 0 ? State::kHeader : State::kSkipValue;
  if (state_ == State::kHeader) closeFinishedFrames();
}

void DatasetScanner::processItemContextHeader(std::uint32_t tag, std::uint32_t length) {
  const Frame top = frames_.back();
  if (tag == kItemTag) {
    std::uint64_t end = kUndefined;
    if (length != kUndefinedLength) {
      end = position_ + length;
      if (!checkValueEnd(tag, end)) return;
    }
    pushFrame(FrameKind::kItem, top.tag, end, top.implicit, top.big_endian);
  } else if (tag == kSequenceDelimitationTag) {
    popFrame();
  } else {
    fail(Failure::kMalformed,
         formatTag(tag) + " where an item of " + formatTag(top.tag) + " belongs");
  }
}

void DatasetScanner::processPixelContextHeader(std::uint32_t tag, std::uint32_t length) {
  if (tag == kItemTag && length != kUndefinedLength) {
    if (!checkValueEnd(tag, position_ + length)) return;
    skipValue(tag, length);
  } else if (tag == kSequenceDelimitationTag) {
    popFrame();
  } else if (tag == kItemTag) {
    fail(Failure::kMalformed, "pixel data fragment of undefined length");
  } else {
    fail(Failure::kMalformed, formatTag(tag) + " inside encapsulated pixel data");
  }
}

bool DatasetScanner::checkValueEnd(std::uint32_t tag, std::uint64_t end) {
  if (end > max_bytes_) {
    fail(Failure::kTooLarge, fmt::format("{} larger than {}: {} bytes declared", formatTag(tag),
                                         max_bytes_name_, end - position_));
    return false;
  }
  if (end > frames_.back().bound) {
    fail(Failure::kMalformed,
         fmt::format("{} length {} exceeds its item", formatTag(tag), end - position_));
    return false;
  }
  return true;
}

void DatasetScanner::skipValue(std::uint32_t tag, std::uint32_t length) {
  value_tag_ = tag;
  value_length_ = length;
  value_start_ = position_;
  value_left_ = length;
  state_ = length == 0 ? State::kHeader : State::kSkipValue;
}

void DatasetScanner::pushFrame(FrameKind kind, std::uint32_t tag, std::uint64_t end, bool implicit,
                               bool big_endian) {
  const bool is_sequence = kind == FrameKind::kSequence || kind == FrameKind::kPixelSequence;
  if (is_sequence && depth_ + 1 > max_depth_) {
    fail(Failure::kTooDeep,
         fmt::format("nested deeper than {} levels at {}", max_depth_, formatTag(tag)));
    return;
  }
  const std::uint64_t bound = std::min(end, frames_.back().bound);
  frames_.push_back(Frame{kind, end, bound, implicit, big_endian, tag});
  if (is_sequence) deepest_ = std::max(deepest_, ++depth_);
}

void DatasetScanner::popFrame() {
  const FrameKind kind = frames_.back().kind;
  frames_.pop_back();
  if (kind == FrameKind::kSequence || kind == FrameKind::kPixelSequence) --depth_;
}

void DatasetScanner::closeFinishedFrames() {
  while (frames_.size() > 1 && frames_.back().end != kUndefined &&
         position_ >= frames_.back().end) {
    if (position_ > frames_.back().end) {
      fail(Failure::kMalformed, "contents overrun " + formatTag(frames_.back().tag));
      return;
    }
    popFrame();
  }
}

bool DatasetScanner::finish() {
  if (failed()) return false;
  if (state_ == State::kSkipValue || state_ == State::kPeekValue) {
    const std::uint64_t present = position_ - value_start_;
    fail(Failure::kTruncated, fmt::format("truncated in {}: {} bytes declared, {} present",
                                          formatTag(value_tag_), value_length_, present));
    return false;
  }
  if (header_length_ > 0) {
    fail(Failure::kTruncated,
         fmt::format("truncated in an element header at byte {}", position_ - header_length_));
    return false;
  }
  closeFinishedFrames();
  if (failed()) return false;
  if (frames_.size() > 1) {
    const Frame& open = frames_.back();
    fail(Failure::kTruncated, open.kind == FrameKind::kItem
                                  ? "truncated: an item of " + formatTag(open.tag) + " not closed"
                                  : "truncated: sequence " + formatTag(open.tag) + " not closed");
    return false;
  }
  return true;
}

}  // namespace gateway::dicom
