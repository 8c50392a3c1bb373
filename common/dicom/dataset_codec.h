#pragma once

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cstddef>
#include <memory>
#include <string>

namespace gateway::dicom {

// A dataset as bytes (no meta header) in `xfer`, and back: for the datasets the gateway keeps
// in its databases (MPPS steps, commitment reports) and sends from memory. Both throw
// std::runtime_error naming what failed. decodeDataset parses recursively: only for bytes the
// gateway wrote itself or that passed the pre-scan (incoming_dataset.h).
std::string encodeDataset(DcmDataset& dataset, E_TransferSyntax xfer = EXS_LittleEndianExplicit);
std::unique_ptr<DcmDataset> decodeDataset(const void* bytes, std::size_t size,
                                          E_TransferSyntax xfer = EXS_LittleEndianExplicit);
inline std::unique_ptr<DcmDataset> decodeDataset(const std::string& bytes) {
  return decodeDataset(bytes.data(), bytes.size());
}

}  // namespace gateway::dicom
