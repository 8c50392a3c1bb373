#include "services/pacs/dicom_forward_sender.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <fmt/format.h>

namespace gateway::pacs {

DicomForwardSender::DicomForwardSender(dicom::OutboundTarget target) : target_(std::move(target)) {}

DicomForwardSender::~DicomForwardSender() = default;

SendOutcome DicomForwardSender::prepare(const std::vector<ForwardItem>& batch) {
  std::set<std::pair<std::string, std::string>> needed;
  for (const auto& item : batch) {
    if (!item.sop_class_uid.empty()) needed.emplace(item.sop_class_uid, item.transfer_syntax_uid);
  }
  bool covered = association_ != nullptr;
  for (const auto& pair : needed) covered = covered && proposed_.count(pair) != 0;
  if (covered) return {ForwardDisposition::kSent, ""};
  association_.reset();
  // Keep what was proposed before while there is room: a study's classes come back batch
  // after batch. A batch has at most batch-size pairs, two contexts each, far below the 128
  // contexts an association may have (odd ids 1..255).
  constexpr std::size_t kMaxPairs = 48;
  std::set<std::pair<std::string, std::string>> propose = needed;
  for (const auto& pair : proposed_) {
    if (propose.size() >= kMaxPairs) break;
    propose.insert(pair);
  }
  std::vector<dicom::OutboundContext> contexts;
  std::set<std::string> classes_with_plain;
  // Per (class, syntax) a context with just that syntax, so each object can go out as it is
  // (a peer picks one syntax per context: two objects of a class in two syntaxes need two);
  // per class one more with the uncompressed syntaxes, for a lossless conversion.
  for (const auto& [sop_class, syntax] : propose) {
    if (!syntax.empty()) contexts.push_back({sop_class, {syntax}});
    if (classes_with_plain.insert(sop_class).second) {
      contexts.push_back(
          {sop_class,
           {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax}});
    }
  }
  try {
    association_ = std::make_unique<dicom::OutboundAssociation>(target_, contexts);
    proposed_ = std::move(propose);
  } catch (const dicom::NoContextAccepted& e) {
    // Reached and answered, but it takes none of these classes: a refusal of each item.
    proposed_.clear();
    return {ForwardDisposition::kFailed, std::string("the destination did not accept the SOP "
                                                     "class: ") +
                                             e.what()};
  } catch (const dicom::OutboundError& e) {
    proposed_.clear();
    return {ForwardDisposition::kRetry, std::string("unreachable: ") + e.what()};
  }
  return {ForwardDisposition::kSent, ""};
}

SendOutcome DicomForwardSender::send(const ForwardItem& item, const std::filesystem::path& file) {
  if (association_ == nullptr) return {ForwardDisposition::kRetry, "no association"};
  try {
    const auto result = association_->storeFile(file, item.sop_class_uid, item.sop_instance_uid);
    const auto disposition = dispositionOfDimseStatus(result.status);
    std::string detail;
    if (result.status == 0x0122 && result.error_comment.empty()) {
      detail = "the destination did not accept the SOP class " + item.sop_class_uid;
    } else if (disposition != ForwardDisposition::kSent) {
      detail = fmt::format("C-STORE status 0x{:04X}{}", result.status,
                           result.error_comment.empty() ? "" : ": " + result.error_comment);
    } else if (result.converted) {
      detail = "converted_to=" + result.transfer_syntax;
    }
    return {disposition, detail};
  } catch (const dicom::OutboundError& e) {
    association_.reset();
    proposed_.clear();
    return {ForwardDisposition::kRetry, std::string("association failed: ") + e.what(), true};
  }
}

void DicomForwardSender::idle() {
  association_.reset();  // releases
  proposed_.clear();
}

}  // namespace gateway::pacs
