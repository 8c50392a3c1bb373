#include "services/mwl/worklist_find.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <optional>
#include <vector>

#include "common/dicom/dimse_status.h"
#include "common/logging/identifier_mask.h"
#include "common/text/utf8.h"
#include "services/mwl/worklist_query.h"
#include "services/mwl/worklist_response.h"

namespace gateway::mwl {
namespace {

namespace status = dicom::status;
using dicom::DimseReply;

// The first attribute (depth first) whose text is not valid UTF-8. The identifier has passed
// the edge's depth limit, so the recursion is bounded.
std::optional<DcmTagKey> firstInvalidUtf8(DcmItem& item) {
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* element = item.getElement(i);
    if (auto* sequence = dynamic_cast<DcmSequenceOfItems*>(element)) {
      for (unsigned long k = 0; k < sequence->card(); ++k) {
        if (auto found = firstInvalidUtf8(*sequence->getItem(k))) return found;
      }
    } else if (element->isAffectedBySpecificCharacterSet()) {
      OFString value;
      element->getOFStringArray(value);
      if (!text::isValidUtf8(std::string_view(value.c_str(), value.length()))) {
        return element->getTag();
      }
    }
  }
  return std::nullopt;
}

std::string nameOf(const DcmTagKey& tag) {
  return std::string(DcmTag(tag).getTagName()) + " " + tag.toString().c_str();
}

// Matching keys for the log line; patient identifiers masked.
std::string describe(const WorklistQuery& query) {
  std::string out;
  if (!query.date_query.empty()) out += "date=" + query.date_query + " ";
  if (!query.time_query.empty()) out += "time=" + query.time_query + " ";
  for (const auto& c : query.conditions) {
    const DcmTagKey& tag = c.attribute->tag;
    const bool identifying =
        tag == DCM_PatientID || tag == DCM_PatientName || tag == DCM_PatientBirthDate;
    out += std::string(DcmTag(tag).getTagName()) + "=" +
           (identifying ? logging::maskIdentifier(c.value) : c.value) + " ";
  }
  if (!query.station_from_caller.empty())
    out += "station(caller)=" + query.station_from_caller + " ";
  return out;
}

// The matches of one query, answered one by one.
class WorklistAnswers : public dicom::FindQuery {
 public:
  WorklistAnswers(std::unique_ptr<DcmDataset> keys, std::vector<WorklistItem> matches,
                  std::string declared_charset, const std::string& reply_charset,
                  std::string summary)
      : keys_(std::move(keys)),
        matches_(std::move(matches)),
        declared_charset_(std::move(declared_charset)),
        reply_charset_(reply_charset),
        summary_(std::move(summary)) {}

  std::unique_ptr<DcmDataset> next() override {
    if (next_ >= matches_.size()) return nullptr;
    auto reply = buildWorklistResponse(*keys_, matches_[next_++]);
    encodeReply(*reply, declared_charset_, reply_charset_);
    return reply;
  }

  std::string summary() const override {
    return summary_ + "matches=" + std::to_string(matches_.size()) + " ";
  }

 private:
  std::unique_ptr<DcmDataset> keys_;  // the keys to return
  std::vector<WorklistItem> matches_;
  std::string declared_charset_;
  const std::string& reply_charset_;
  std::string summary_;
  std::size_t next_ = 0;
};

}  // namespace

dicom::FindProvider::Start WorklistFind::startFind(const dicom::FindRequest&,
                                                   DcmDataset& identifier) {
  Start start;
  OFString declared_text;
  identifier.findAndGetOFStringArray(DCM_SpecificCharacterSet, declared_text);
  const std::string declared = declared_text.c_str();
  if (identifier.convertToUTF8().bad()) {
    if (declared == "ISO_IR 192") {
      const auto bad = firstInvalidUtf8(identifier);
      start.refusal =
          DimseReply::failure(status::kIdentifierDoesNotMatchSopClass,
                              "invalid UTF-8 in " + (bad ? nameOf(*bad) : std::string("a value")),
                              bad ? std::vector<DcmTagKey>{*bad} : std::vector<DcmTagKey>{});
      return start;
    }
    if (!declared.empty()) {
      start.refusal = DimseReply::failure(
          status::kUnableToProcess, "Specific Character Set '" + declared + "' not supported");
      return start;
    }
    // Non-ASCII values without a declared character set break the standard, but some
    // modalities do it: take valid UTF-8 as it is, anything else as Latin-1.
    if (firstInvalidUtf8(identifier)) {
      identifier.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 100");
      if (identifier.convertToUTF8().bad()) {
        start.refusal = DimseReply::failure(status::kUnableToProcess,
                                            "query values are in an undeclared character set");
        return start;
      }
    }
  }
  ParsedQuery parsed =
      parseWorklistQuery(identifier, context_.calling_aet, settings_.calling_aet_as_station);
  if (!parsed.query) {
    start.refusal = DimseReply::failure(status::kIdentifierDoesNotMatchSopClass, parsed.error);
    start.refusal.log_fields = "error=\"" + parsed.error + "\"";
    return start;
  }
  std::vector<WorklistItem> matches;
  for (auto& item : store_.candidates(parsed.query->prefilter())) {
    if (parsed.query->matches(item)) matches.push_back(std::move(item));
  }
  start.query = std::make_unique<WorklistAnswers>(std::make_unique<DcmDataset>(identifier),
                                                  std::move(matches), declared,
                                                  settings_.reply_charset, describe(*parsed.query));
  return start;
}

}  // namespace gateway::mwl
