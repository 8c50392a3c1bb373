#include "common/dicom/dimse_reply.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcvrat.h>
#include <fmt/format.h>

namespace gateway::dicom {

namespace status {
std::string format(std::uint16_t status) { return fmt::format("0x{:04X}", status); }
}  // namespace status

DimseReply DimseReply::failure(std::uint16_t status, std::string comment,
                               std::vector<DcmTagKey> attributes) {
  DimseReply reply;
  reply.status = status;
  reply.comment = std::move(comment);
  reply.attributes = std::move(attributes);
  return reply;
}

std::string errorComment(std::string_view text) {
  constexpr std::size_t kMaxLength = 64;  // LO (PS3.5 6.2)
  std::string out;
  out.reserve(std::min(text.size(), kMaxLength));
  for (const char ch : text) {
    if (out.size() == kMaxLength) break;
    const auto byte = static_cast<unsigned char>(ch);
    out += (byte >= 0x20 && byte < 0x7F && ch != '\\') ? ch : '?';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::unique_ptr<DcmDataset> statusDetail(const DimseReply& reply, ServiceKind kind) {
  if (status::isSuccess(reply.status) || status::isPending(reply.status)) return nullptr;
  if (reply.comment.empty() && reply.attributes.empty()) return nullptr;
  auto detail = std::make_unique<DcmDataset>();
  if (!reply.comment.empty()) {
    detail->putAndInsertString(DCM_ErrorComment, errorComment(reply.comment).c_str());
  }
  if (!reply.attributes.empty()) {
    auto* list = new DcmAttributeTag(kind == ServiceKind::kNormalized ? DCM_AttributeIdentifierList
                                                                      : DCM_OffendingElement);
    for (std::size_t i = 0; i < reply.attributes.size(); ++i) {
      list->putTagVal(reply.attributes[i], static_cast<unsigned long>(i));
    }
    detail->insert(list, OFTrue);
  }
  return detail;
}

}  // namespace gateway::dicom
