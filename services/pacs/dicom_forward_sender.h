#pragma once

#include <memory>
#include <set>
#include <string>
#include <utility>

#include "common/dicom/outbound_association.h"
#include "services/pacs/forward_sender.h"

namespace gateway::pacs {

// Forwards over DICOM C-STORE (our SCU, OutboundAssociation): one association kept open
// while there is work, proposing for each SOP class of the batch its original transfer
// syntax and, separately, the uncompressed ones (so a destination that refuses the original
// gets a lossless decompression). A batch with a class the open association lacks reopens it.
class DicomForwardSender : public ForwardSender {
 public:
  explicit DicomForwardSender(dicom::OutboundTarget target);
  ~DicomForwardSender() override;

  SendOutcome prepare(const std::vector<ForwardItem>& batch) override;
  SendOutcome send(const ForwardItem& item, const std::filesystem::path& file) override;
  void idle() override;

 private:
  dicom::OutboundTarget target_;
  std::unique_ptr<dicom::OutboundAssociation> association_;
  std::set<std::pair<std::string, std::string>> proposed_;  // (class, original syntax)
};

}  // namespace gateway::pacs
