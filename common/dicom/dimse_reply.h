#pragma once

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dctagkey.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/dicom/dimse_status.h"

namespace gateway::dicom {

// What a service answers to one request. The DICOM edge turns it into the response's status
// and status detail, and into the request's log line.
struct DimseReply {
  std::uint16_t status = status::kSuccess;
  // Error Comment when failing. Any length: the edge cuts it (errorComment) for the wire and
  // logs it whole.
  std::string comment;
  // Attribute Identifier List (0000,1005) of an N-service, Offending Element (0000,0901) of a
  // C-service.
  std::vector<DcmTagKey> attributes;
  // "key=value ..." the service adds to the log line of the request.
  std::string log_fields;

  static DimseReply failure(std::uint16_t status, std::string comment,
                            std::vector<DcmTagKey> attributes = {});
};

// The Error Comment (0000,0902, LO) for `text`: at most 64 characters, no backslash, no
// control characters, ASCII only (anything else becomes '?'), so it is always a valid value.
std::string errorComment(std::string_view text);

// The status detail elements sent with a failure (null when there is nothing to send):
// Error Comment, and the attribute list in the form of an N-service or a C-service.
enum class ServiceKind { kComposite, kNormalized };
std::unique_ptr<DcmDataset> statusDetail(const DimseReply& reply, ServiceKind kind);

}  // namespace gateway::dicom
