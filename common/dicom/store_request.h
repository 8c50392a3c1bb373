#pragma once

#include <dcmtk/dcmnet/assoc.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace gateway::dicom {

// How a stored object went out as a C-STORE request.
struct StoreSendResult {
  bool sent = false;  // the request (command and dataset) is on the wire
  T_ASC_PresentationContextID presentation_id = 0;
  std::string transfer_syntax;       // what was sent
  bool converted = false;            // decompressed, the peer refused the original
  std::uint16_t refusal_status = 0;  // when not sent: why, as a sub-operation status
  std::string refusal;               // ... and in words
};

// Sends a C-STORE-RQ for a Part 10 file on `assoc`: in the file's own transfer syntax,
// streamed from disk, when the peer accepted it for the class; else, when it accepted an
// uncompressed syntax for the class, decompressed (lossless) in memory and sent in that;
// else nothing is sent (refusal_status 0x0122, refusal says why). Returns a bad condition
// only when the association failed (it cannot go on). The response is the caller's to read.
OFCondition sendStoreRequest(T_ASC_Association* assoc, const std::filesystem::path& file,
                             const std::string& sop_class, const std::string& sop_instance,
                             std::uint16_t message_id, const std::string& move_originator_aet,
                             std::uint16_t move_originator_message_id, StoreSendResult& result);

// Registers DCMTK's decompression codecs (JPEG, JPEG-LS, RLE) once, for the conversion above.
void registerDecompressionCodecs();

}  // namespace gateway::dicom
