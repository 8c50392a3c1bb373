#include "services/pacs/stored_file_inspector.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "common/crypto/sha256.h"
#include "common/dicom/command_writer.h"
#include "common/dicom/dataset_inflater.h"
#include "common/dicom/dataset_scanner.h"

namespace gateway::pacs {

StoredFileInspection inspectStoredFile(const std::filesystem::path& file, std::size_t max_depth) {
  StoredFileInspection out;
  std::optional<dicom::Part10Layout> layout;
  try {
    layout = dicom::readPart10Layout(file);
  } catch (const std::exception& e) {
    out.structure_error = e.what();
  }
  std::optional<dicom::DatasetScanner> scanner;
  std::optional<dicom::DatasetInflater> inflater;
  if (layout) {
    const auto encoding = dicom::encodingOfTransferSyntax(layout->transfer_syntax_uid);
    if (!encoding) {
      out.structure_error = "unknown transfer syntax " + layout->transfer_syntax_uid;
    } else {
      scanner.emplace(
          encoding->deflated ? dicom::DatasetEncoding::kExplicitLittle : encoding->encoding,
          max_depth, UINT64_MAX);
      if (encoding->deflated) {
        inflater.emplace([&scanner](const std::uint8_t* data, std::size_t size) {
          return scanner->feed(data, size);
        });
      }
    }
  }
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    out.error = std::strerror(errno);
    return out;
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  crypto::Sha256 sha;
  std::vector<std::uint8_t> buffer(1U << 20);
  std::uint64_t offset = 0;
  bool failed_read = false;
  for (;;) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      out.error = std::strerror(errno);
      failed_read = true;
      break;
    }
    if (got == 0) break;
    const auto size = static_cast<std::size_t>(got);
    sha.update(buffer.data(), size);
    // The dataset part of this chunk goes to the pre-scan.
    if (scanner && !scanner->failed() && offset + size > layout->dataset_offset) {
      const std::size_t skip = offset >= layout->dataset_offset
                                   ? 0
                                   : static_cast<std::size_t>(layout->dataset_offset - offset);
      if (inflater) {
        if (!inflater->feed(buffer.data() + skip, size - skip) && !scanner->failed()) {
          out.structure_error = inflater->error();
        }
      } else {
        scanner->feed(buffer.data() + skip, size - skip);
      }
    }
    offset += size;
  }
  ::close(fd);
  if (failed_read) return out;
  out.readable = true;
  out.size = offset;
  out.sha256 = sha.finishHex();
  if (scanner && out.structure_error.empty()) {
    if (inflater && !inflater->finished() && !scanner->failed()) {
      out.structure_error = "deflated data is truncated";
    } else if (!scanner->failed()) {
      scanner->finish();
    }
    if (scanner->failed()) out.structure_error = "dataset " + scanner->error();
  }
  return out;
}

}  // namespace gateway::pacs
