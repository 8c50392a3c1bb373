#pragma once

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmnet/assoc.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace gateway::dicom {

// Sending what DCMTK's DIMSE layer cannot send the way we need: a command set we build
// ourselves followed by dataset bytes that never pass through a DcmDataset (a stored file
// streamed from disk, as it is, whatever its size). The command_reader's counterpart.

// Writes `command` (group 0000 elements; its Command Group Length is computed and added) as
// command PDVs on `presentation_id`.
OFCondition sendCommandSet(T_ASC_Association* assoc, T_ASC_PresentationContextID presentation_id,
                           DcmDataset& command);

// Writes `dataset` encoded in the presentation context's transfer syntax as dataset PDVs.
OFCondition sendDataset(T_ASC_Association* assoc, T_ASC_PresentationContextID presentation_id,
                        DcmDataset& dataset);

// Where the dataset starts in a Part 10 file (after preamble, "DICM" and the group 0002 meta
// header), and the transfer syntax the meta header names. Reads only the meta header.
struct Part10Layout {
  std::uint64_t dataset_offset = 0;
  std::uint64_t file_size = 0;
  std::string transfer_syntax_uid;
};
// Throws std::runtime_error when the file is not a Part 10 file we can stream.
Part10Layout readPart10Layout(const std::filesystem::path& file);

// Streams the file's bytes from `layout.dataset_offset` to its end as dataset PDVs, one
// send buffer at a time: a 2 GB object costs one PDU of memory.
OFCondition sendDatasetFromFile(T_ASC_Association* assoc,
                                T_ASC_PresentationContextID presentation_id,
                                const std::filesystem::path& file, const Part10Layout& layout);

}  // namespace gateway::dicom
