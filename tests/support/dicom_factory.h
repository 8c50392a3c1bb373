#pragma once

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace gateway::test {

// A fresh UID under a test root: unique within a test run.
std::string newUid();

struct ObjectSpec {
  std::string sop_class_uid = "1.2.840.10008.5.1.4.1.1.1.2";  // MG For Presentation
  std::string sop_instance_uid;                               // empty: newUid()
  std::string patient_id = "PID-0001";
  std::string patient_name = "DOE^JANE";
  std::string accession_number = "ACC-0001";
  std::uint16_t rows = 64;
  std::uint16_t columns = 64;
  std::uint32_t frames = 1;
  bool with_pixels = true;
};

// A plausible object of the given SOP class (images get 16-bit pixels, SR and
// presentation states get their own content), in memory, little endian explicit.
std::unique_ptr<DcmDataset> makeObject(const ObjectSpec& spec);

// The bytes DCMTK's DIMSE layer sends for this dataset in `transfer_syntax`: what a
// bit-preserving store must write after its meta header.
std::string encodeLikeDimse(DcmDataset& dataset, E_TransferSyntax transfer_syntax);

// The bytes of a Part 10 file after its meta header (group 0002).
std::string datasetBytesOfFile(const std::filesystem::path& file);

// Writes a Part 10 file of a multi-frame tomosynthesis object with `frames` frames of
// rows x columns 16-bit pixels without ever holding the pixel data in memory.
// Returns the SOP Instance UID.
std::string writeLargeMultiframeFile(const std::filesystem::path& file, std::uint32_t frames,
                                     std::uint16_t rows, std::uint16_t columns);

// SHA-256 (hex) of a file's bytes from `offset` to the end, read in chunks.
std::string sha256OfFileFrom(const std::filesystem::path& file, std::uint64_t offset);

// Offset of the first byte after the file meta header of a Part 10 file.
std::uint64_t datasetOffsetOfFile(const std::filesystem::path& file);

}  // namespace gateway::test
