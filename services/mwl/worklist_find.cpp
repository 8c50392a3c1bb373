#include "services/mwl/worklist_find.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <vector>

#include "common/dicom/dimse_status.h"
#include "common/logging/identifier_mask.h"
#include "common/matching/query_charset.h"
#include "services/mwl/worklist_query.h"
#include "services/mwl/worklist_response.h"

namespace gateway::mwl {
namespace {

namespace status = dicom::status;
using dicom::DimseReply;

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
    match::encodeReply(*reply, declared_charset_, reply_charset_);
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
  match::DecodedIdentifier decoded = match::decodeIdentifier(identifier);
  if (decoded.refusal) {
    start.refusal = std::move(*decoded.refusal);
    return start;
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
                                                  std::move(matches), decoded.declared,
                                                  settings_.reply_charset, describe(*parsed.query));
  return start;
}

}  // namespace gateway::mwl
