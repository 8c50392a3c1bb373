#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace gateway::pacs {

// What one read of a stored file tells: its SHA-256 and size, and whether it is still a
// DICOM object a reader can parse — a Part 10 file whose dataset passes the same structural
// pre-scan received datasets pass (dataset_scanner.h: nesting, lengths, truncation; deflated
// datasets inflated on the way). One pass over the bytes for both.
struct StoredFileInspection {
  bool readable = false;  // opened and read to its end
  std::string error;      // when not readable
  std::string sha256;     // of the whole file
  std::uint64_t size = 0;
  std::string structure_error;  // empty: structurally sound
};

StoredFileInspection inspectStoredFile(const std::filesystem::path& file,
                                       std::size_t max_depth = 64);

}  // namespace gateway::pacs
