#include "services/pacs/qr_find.h"

#include <dcmtk/dcmdata/dcuid.h>

#include <memory>

#include "common/dicom/dimse_status.h"
#include "common/matching/query_charset.h"
#include "services/pacs/qr_engine.h"
#include "services/pacs/qr_query.h"
#include "services/pacs/qr_response.h"

namespace gateway::pacs {
namespace {

namespace status = dicom::status;
using dicom::DimseReply;

// Reading workstations read UTF-8; the worklist's MWL_REPLY_CHARSET is for modalities that
// cannot, so a reply that does not fit the query's own character set goes out as UTF-8.
constexpr const char* kReplyCharset = "ISO_IR 192";

// The answers of one query, built one by one as the edge asks for them.
class QrAnswers : public dicom::FindQuery {
 public:
  QrAnswers(std::unique_ptr<DcmDataset> keys, std::unique_ptr<QrFindCursor> cursor,
            std::string declared_charset, const std::string& retrieve_aet)
      : keys_(std::move(keys)),
        cursor_(std::move(cursor)),
        declared_charset_(std::move(declared_charset)),
        retrieve_aet_(retrieve_aet) {}

  std::unique_ptr<DcmDataset> next() override {
    const auto answer = cursor_->next();
    if (!answer) return nullptr;
    auto reply = buildQrResponse(*keys_, cursor_->query(), *answer, retrieve_aet_);
    match::encodeReply(*reply, declared_charset_, kReplyCharset);
    return reply;
  }

  std::string summary() const override {
    return cursor_->query().summary() + " matches=" + std::to_string(cursor_->entities()) + " ";
  }

 private:
  std::unique_ptr<DcmDataset> keys_;  // the keys to return
  std::unique_ptr<QrFindCursor> cursor_;
  std::string declared_charset_;
  const std::string& retrieve_aet_;
};

}  // namespace

dicom::FindProvider::Start QrFind::startFind(const dicom::FindRequest& request,
                                             DcmDataset& identifier) {
  Start start;
  const bool find_model =
      request.sop_class_uid == UID_FINDPatientRootQueryRetrieveInformationModel ||
      request.sop_class_uid == UID_FINDStudyRootQueryRetrieveInformationModel;
  const auto model = modelOfSopClass(request.sop_class_uid);
  if (!find_model || !model) {
    start.refusal = DimseReply::failure(status::kSopClassNotSupported,
                                        "C-FIND is served for Patient Root and Study Root only");
    return start;
  }
  match::DecodedIdentifier decoded = match::decodeIdentifier(identifier);
  if (decoded.refusal) {
    start.refusal = std::move(*decoded.refusal);
    return start;
  }
  ParsedQrQuery parsed = parseQrIdentifier(identifier, *model, QrPurpose::kFind);
  if (!parsed.query) {
    start.refusal = std::move(parsed.refusal);
    start.refusal.log_fields = std::string("model=") + modelName(*model);
    return start;
  }
  auto cursor = std::make_unique<QrFindCursor>(index_, std::move(*parsed.query));
  start.query = std::make_unique<QrAnswers>(std::make_unique<DcmDataset>(identifier),
                                            std::move(cursor), decoded.declared, retrieve_aet_);
  return start;
}

}  // namespace gateway::pacs
