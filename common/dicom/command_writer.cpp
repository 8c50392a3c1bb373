#include "common/dicom/command_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/dul.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "common/dicom/dataset_codec.h"

namespace gateway::dicom {
namespace {

OFCondition sendFailed(const std::string& why) {
  return makeOFCondition(OFM_dcmnet, DIMSEC_SENDFAILED, OF_error, why.c_str());
}

// Sends `size` bytes as PDVs of at most the association's send buffer, the last one marked.
OFCondition sendPdvs(T_ASC_Association* assoc, T_ASC_PresentationContextID presentation_id,
                     DUL_DATAPDV type, const std::uint8_t* data, std::size_t size, bool last) {
  const std::size_t chunk = assoc->sendPDVLength;
  std::size_t done = 0;
  do {
    const std::size_t take = std::min(chunk, size - done);
    DUL_PDV pdv{};
    pdv.fragmentLength = static_cast<unsigned long>(take);
    pdv.presentationContextID = presentation_id;
    pdv.pdvType = type;
    pdv.lastPDV = last && done + take == size ? OFTrue : OFFalse;
    pdv.data = const_cast<std::uint8_t*>(data + done);
    DUL_PDVLIST list{};
    list.count = 1;
    list.pdv = &pdv;
    const OFCondition cond = DUL_WritePDVs(&assoc->DULassociation, &list);
    if (cond.bad()) return sendFailed(std::string("cannot send: ") + cond.text());
    done += take;
  } while (done < size);
  return EC_Normal;
}

std::uint32_t read32le(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}

}  // namespace

OFCondition sendCommandSet(T_ASC_Association* assoc, T_ASC_PresentationContextID presentation_id,
                           DcmDataset& command) {
  command.findAndDeleteElement(DCM_CommandGroupLength);
  std::string body;
  try {
    body = encodeDataset(command, EXS_LittleEndianImplicit);
  } catch (const std::exception& e) {
    return sendFailed(e.what());
  }
  std::vector<std::uint8_t> bytes = {0x00, 0x00, 0x00, 0x00, 4, 0, 0, 0};
  const auto length = static_cast<std::uint32_t>(body.size());
  for (int shift = 0; shift <= 24; shift += 8) {
    bytes.push_back(static_cast<std::uint8_t>(length >> shift));
  }
  bytes.insert(bytes.end(), body.begin(), body.end());
  return sendPdvs(assoc, presentation_id, DUL_COMMANDPDV, bytes.data(), bytes.size(), true);
}

OFCondition sendDataset(T_ASC_Association* assoc, T_ASC_PresentationContextID presentation_id,
                        DcmDataset& dataset) {
  T_ASC_PresentationContext pc{};
  if (ASC_findAcceptedPresentationContext(assoc->params, presentation_id, &pc).bad()) {
    return sendFailed("no such presentation context");
  }
  const DcmXfer xfer(pc.acceptedTransferSyntax);
  try {
    const std::string bytes = encodeDataset(dataset, xfer.getXfer());
    return sendPdvs(assoc, presentation_id, DUL_DATASETPDV,
                    reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), true);
  } catch (const std::exception& e) {
    return sendFailed(e.what());
  }
}

Part10Layout readPart10Layout(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw std::runtime_error("cannot open " + file.string() + ": " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  // Preamble, "DICM", and the File Meta Information Group Length element (always first).
  std::uint8_t head[144];
  if (::pread(fd, head, sizeof(head), 0) != static_cast<ssize_t>(sizeof(head)) ||
      std::memcmp(head + 128, "DICM", 4) != 0) {
    throw std::runtime_error(file.string() + " is not a DICOM Part 10 file");
  }
  if (!(head[132] == 0x02 && head[133] == 0x00 && head[134] == 0x00 && head[135] == 0x00 &&
        head[136] == 'U' && head[137] == 'L')) {
    throw std::runtime_error(file.string() + " has no File Meta Information Group Length");
  }
  const std::uint32_t group_length = read32le(head + 140);
  Part10Layout layout;
  layout.dataset_offset = 144 + std::uint64_t{group_length};
  layout.file_size = static_cast<std::uint64_t>(::lseek(fd, 0, SEEK_END));
  if (group_length > (1U << 20) || layout.dataset_offset > layout.file_size) {
    throw std::runtime_error(file.string() + " has a meta header longer than the file");
  }
  // The Transfer Syntax UID (0002,0010), within the meta header.
  std::vector<std::uint8_t> meta(group_length);
  if (::pread(fd, meta.data(), meta.size(), 144) != static_cast<ssize_t>(meta.size())) {
    throw std::runtime_error("cannot read the meta header of " + file.string());
  }
  for (std::size_t at = 0; at + 8 <= meta.size();) {
    const unsigned group = unsigned{meta[at]} | (unsigned{meta[at + 1]} << 8);
    const unsigned element = unsigned{meta[at + 2]} | (unsigned{meta[at + 3]} << 8);
    const bool long_form = (meta[at + 4] == 'O' && (meta[at + 5] == 'B' || meta[at + 5] == 'W')) ||
                           (meta[at + 4] == 'U' && (meta[at + 5] == 'N' || meta[at + 5] == 'T')) ||
                           (meta[at + 4] == 'S' && meta[at + 5] == 'Q');
    std::size_t header = 8;
    std::size_t length = std::size_t{meta[at + 6]} | (std::size_t{meta[at + 7]} << 8);
    if (long_form) {
      if (at + 12 > meta.size()) break;
      header = 12;
      length = read32le(meta.data() + at + 8);
    }
    if (group != 0x0002 || at + header + length > meta.size()) break;
    if (element == 0x0010) {
      std::string uid(reinterpret_cast<const char*>(meta.data() + at + header), length);
      while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) uid.pop_back();
      layout.transfer_syntax_uid = uid;
    }
    at += header + length;
  }
  if (layout.transfer_syntax_uid.empty()) {
    throw std::runtime_error(file.string() + " names no Transfer Syntax UID");
  }
  return layout;
}

OFCondition sendDatasetFromFile(T_ASC_Association* assoc,
                                T_ASC_PresentationContextID presentation_id,
                                const std::filesystem::path& file, const Part10Layout& layout) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sendFailed("cannot open " + file.string() + ": " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::vector<std::uint8_t> buffer(std::max<std::size_t>(assoc->sendPDVLength, 4096));
  std::uint64_t offset = layout.dataset_offset;
  const std::uint64_t end = layout.file_size;
  if (offset == end)
    return sendPdvs(assoc, presentation_id, DUL_DATASETPDV, buffer.data(), 0, true);
  while (offset < end) {
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), end - offset));
    const ssize_t got = ::pread(fd, buffer.data(), want, static_cast<off_t>(offset));
    if (got <= 0) return sendFailed("cannot read " + file.string());
    offset += static_cast<std::uint64_t>(got);
    const OFCondition cond = sendPdvs(assoc, presentation_id, DUL_DATASETPDV, buffer.data(),
                                      static_cast<std::size_t>(got), offset >= end);
    if (cond.bad()) return cond;
  }
  return EC_Normal;
}

}  // namespace gateway::dicom
