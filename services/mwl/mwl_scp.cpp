#include "services/mwl/mwl_scp.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>

#include <chrono>

#include "common/logging/identifier_mask.h"
#include "common/logging/logging.h"
#include "services/mwl/mpps_exchange.h"
#include "services/mwl/worklist_query.h"
#include "services/mwl/worklist_response.h"

namespace gateway::mwl {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint16_t kPending = 0xFF00;
constexpr std::uint16_t kSuccess = 0x0000;
constexpr std::uint16_t kCancelled = 0xFE00;
constexpr std::uint16_t kIdentifierDoesNotMatchSopClass = 0xA900;
constexpr std::uint16_t kUnableToProcess = 0xC000;

bool isValidUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t extra = c < 0x80           ? 0
                              : (c >> 5) == 0x6  ? 1
                              : (c >> 4) == 0xe  ? 2
                              : (c >> 3) == 0x1e ? 3
                                                 : 9;
    if (extra == 9 || (extra > 0 && i + extra >= s.size())) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

bool isValidUtf8(DcmItem& item) {
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* element = item.getElement(i);
    if (auto* sequence = dynamic_cast<DcmSequenceOfItems*>(element)) {
      for (unsigned long k = 0; k < sequence->card(); ++k) {
        if (!isValidUtf8(*sequence->getItem(k))) return false;
      }
    } else if (element->isAffectedBySpecificCharacterSet()) {
      OFString value;
      element->getOFStringArray(value);
      if (!isValidUtf8(std::string(value.c_str(), value.length()))) return false;
    }
  }
  return true;
}

DcmDataset* errorDetail(const std::string& comment) {
  auto* detail = new DcmDataset();
  detail->putAndInsertString(DCM_ErrorComment, comment.substr(0, 64).c_str());
  return detail;
}

class FindHandler : public dicom::AssociationHandler {
 public:
  FindHandler(const dicom::AssociationContext& context, const config::MwlSettings& settings,
              WorklistStore& store, MppsProcessor& mpps)
      : context_(context), settings_(settings), store_(store), mpps_(context_, mpps) {}

  OFCondition handleCommand(T_DIMSE_Message& request,
                            T_ASC_PresentationContextID presentation_id) override {
    switch (request.CommandField) {
      case DIMSE_C_FIND_RQ:
        return find(request, presentation_id);
      case DIMSE_N_CREATE_RQ:
        ++mpps_messages_;
        return mpps_.nCreate(request.msg.NCreateRQ, presentation_id);
      case DIMSE_N_SET_RQ:
        ++mpps_messages_;
        return mpps_.nSet(request.msg.NSetRQ, presentation_id);
      default:
        logging::mwl()->warn("unsupported command id={} peer={} command=0x{:04x}", context_.id,
                             context_.peer_address, static_cast<unsigned>(request.CommandField));
        return DIMSE_BADCOMMANDTYPE;
    }
  }

  std::string summary() const override {
    return "queries=" + std::to_string(queries_) + " mpps=" + std::to_string(mpps_messages_);
  }

 private:
  OFCondition find(T_DIMSE_Message& request, T_ASC_PresentationContextID presentation_id) {
    started_ = Clock::now();
    matches_.clear();
    next_ = 0;
    final_status_ = kSuccess;
    query_summary_.clear();
    const OFCondition cond = DIMSE_findProvider(
        context_.assoc, presentation_id, &request.msg.CFindRQ, &FindHandler::callback, this,
        DIMSE_NONBLOCKING, static_cast<int>(context_.dimse_timeout.count()));
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_).count();
    logging::mwl()->info("query id={} calling={} {}matches={} sent={} ms={} status=0x{:04X}",
                         context_.id, context_.calling_aet, query_summary_, matches_.size(), next_,
                         ms, final_status_);
    ++queries_;
    return cond;
  }

  static void callback(void* data, OFBool cancelled, T_DIMSE_C_FindRQ*, DcmDataset* identifier,
                       int response_count, T_DIMSE_C_FindRSP* response,
                       DcmDataset** response_identifiers, DcmDataset** status_detail) {
    auto* self = static_cast<FindHandler*>(data);
    try {
      self->respond(cancelled, identifier, response_count, *response, *response_identifiers,
                    *status_detail);
    } catch (const std::exception& e) {
      // No exception crosses into DCMTK: answer "unable to process" instead.
      logging::mwl()->error("query failed id={} error=\"{}\"", self->context_.id, e.what());
      response->DimseStatus = kUnableToProcess;
      *status_detail = errorDetail("worklist query failed");
      self->final_status_ = kUnableToProcess;
    }
  }

  void respond(bool cancelled, DcmDataset* identifier, int response_count,
               T_DIMSE_C_FindRSP& response, DcmDataset*& out, DcmDataset*& detail) {
    if (response_count == 1) {
      const std::uint16_t status = runQuery(identifier, detail);
      if (status != kSuccess) {
        response.DimseStatus = status;
        final_status_ = status;
        return;
      }
    }
    if (cancelled) {
      response.DimseStatus = kCancelled;
      final_status_ = kCancelled;
      return;
    }
    if (next_ < matches_.size()) {
      auto reply = buildWorklistResponse(*query_, matches_[next_]);
      encodeReply(*reply, declared_charset_, settings_.reply_charset);
      out = reply.release();  // DCMTK deletes it after sending
      response.DimseStatus = kPending;
      ++next_;
      return;
    }
    response.DimseStatus = kSuccess;
    final_status_ = kSuccess;
  }

  std::uint16_t runQuery(DcmDataset* identifier, DcmDataset*& detail) {
    if (identifier == nullptr) {
      detail = errorDetail("C-FIND request without an identifier");
      return kIdentifierDoesNotMatchSopClass;
    }
    OFString declared;
    identifier->findAndGetOFStringArray(DCM_SpecificCharacterSet, declared);
    declared_charset_ = declared.c_str();
    if (identifier->convertToUTF8().bad()) {
      if (!declared_charset_.empty()) {
        detail = errorDetail("Specific Character Set '" + declared_charset_ + "' not supported");
        return kUnableToProcess;
      }
      // Non-ASCII values without a declared character set break the standard, but some
      // modalities do it: take valid UTF-8 as it is, anything else as Latin-1.
      if (!isValidUtf8(*identifier)) {
        identifier->putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 100");
        if (identifier->convertToUTF8().bad()) {
          detail = errorDetail("query values are in an undeclared character set");
          return kUnableToProcess;
        }
      }
    }
    ParsedQuery parsed =
        parseWorklistQuery(*identifier, context_.calling_aet, settings_.calling_aet_as_station);
    if (!parsed.query) {
      detail = errorDetail(parsed.error);
      query_summary_ = "error=\"" + parsed.error + "\" ";
      return kIdentifierDoesNotMatchSopClass;
    }
    query_summary_ = describe(*parsed.query);
    for (auto& item : store_.candidates(parsed.query->prefilter())) {
      if (parsed.query->matches(item)) matches_.push_back(std::move(item));
    }
    query_ = std::make_unique<DcmDataset>(*identifier);  // the keys to return
    return kSuccess;
  }

  // Matching keys for the log line; patient identifiers masked.
  static std::string describe(const WorklistQuery& query) {
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

  dicom::AssociationContext context_;
  const config::MwlSettings& settings_;
  WorklistStore& store_;
  std::vector<WorklistItem> matches_;
  std::unique_ptr<DcmDataset> query_;
  std::string declared_charset_;
  std::string query_summary_;
  std::size_t next_ = 0;
  std::uint16_t final_status_ = kSuccess;
  std::uint64_t queries_ = 0;
  std::uint64_t mpps_messages_ = 0;
  Clock::time_point started_;
  MppsExchange mpps_;  // after context_: it keeps a reference to it
};

}  // namespace

MwlScp::MwlScp(const config::MwlSettings& settings, WorklistStore& store, MppsProcessor& mpps)
    : settings_(settings), store_(store), mpps_(mpps) {}

std::vector<std::string> MwlScp::abstractSyntaxes() const {
  return {UID_FINDModalityWorklistInformationModel, UID_ModalityPerformedProcedureStepSOPClass};
}

std::vector<std::string> MwlScp::transferSyntaxes() const {
  return {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
          UID_BigEndianExplicitTransferSyntax};
}

std::unique_ptr<dicom::AssociationHandler> MwlScp::createHandler(
    const dicom::AssociationContext& context) {
  return std::make_unique<FindHandler>(context, settings_, store_, mpps_);
}

}  // namespace gateway::mwl
