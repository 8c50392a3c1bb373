#include "services/pacs/storage_scp.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcvrae.h>
#include <dcmtk/dcmdata/dcvrobow.h>
#include <dcmtk/dcmdata/dcvrsh.h>
#include <dcmtk/dcmdata/dcvrui.h>
#include <dcmtk/dcmdata/dcvrul.h>
#include <dcmtk/dcmnet/diutil.h>

#include <chrono>
#include <cstring>
#include <system_error>

#include "common/config/value_parsers.h"
#include "common/dicom/dimse_status.h"
#include "common/dicom_values/value_checks.h"
#include "common/logging/identifier_mask.h"
#include "common/logging/logging.h"
#include "services/pacs/hashing_file_sink.h"
#include "services/pacs/storage_sop_classes.h"

namespace gateway::pacs {
namespace {

namespace status = dicom::status;
using Clock = std::chrono::steady_clock;

// Writes the Part 10 preamble, "DICM" and the group 0002 meta header for an object
// received over the network. The dataset bytes follow unchanged.
OFCondition writeMetaHeader(DcmOutputStream& stream, const T_DIMSE_C_StoreRQ& request,
                            const std::string& transfer_syntax, const std::string& calling_aet) {
  DcmMetaInfo meta;
  meta.putAndInsertUint32(DCM_FileMetaInformationGroupLength, 0);
  const Uint8 version[2] = {0, 1};
  meta.putAndInsertUint8Array(DCM_FileMetaInformationVersion, version, 2);
  meta.putAndInsertString(DCM_MediaStorageSOPClassUID, request.AffectedSOPClassUID);
  meta.putAndInsertString(DCM_MediaStorageSOPInstanceUID, request.AffectedSOPInstanceUID);
  meta.putAndInsertString(DCM_TransferSyntaxUID, transfer_syntax.c_str());
  meta.putAndInsertString(DCM_ImplementationClassUID, kImplementationClassUid);
  meta.putAndInsertString(DCM_ImplementationVersionName, kImplementationVersionName);
  if (!calling_aet.empty()) {
    meta.putAndInsertString(DCM_SourceApplicationEntityTitle, calling_aet.c_str());
  }
  OFCondition cond = meta.computeGroupLengthAndPadding(
      EGL_withGL, EPD_noChange, EXS_LittleEndianExplicit, EET_UndefinedLength);
  if (cond.bad()) return cond;
  meta.transferInit();
  cond = meta.write(stream, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr);
  meta.transferEnd();
  return cond;
}

bool isOutOfResources(const OFCondition& cond) {
  return cond.module() == OFM_dcmnet && cond.code() == DIMSEC_OUTOFRESOURCES;
}

class StoreAssociationHandler : public dicom::AssociationHandler {
 public:
  StoreAssociationHandler(const dicom::AssociationContext& context,
                          const config::PacsSettings& settings, FileStore& store,
                          InstanceArchiver& archiver)
      : context_(context), settings_(settings), store_(store), archiver_(archiver) {}

  OFCondition handleCommand(T_DIMSE_Message& request,
                            T_ASC_PresentationContextID presentation_id) override {
    if (request.CommandField != DIMSE_C_STORE_RQ) {
      logging::pacs()->warn("unsupported command id={} peer={} command=0x{:04x}", context_.id,
                            context_.peer_address, static_cast<unsigned>(request.CommandField));
      return DIMSE_BADCOMMANDTYPE;
    }
    return store(request.msg.CStoreRQ, presentation_id);
  }

  std::string summary() const override {
    return "objects=" + std::to_string(stored_) + " failed=" + std::to_string(failed_) +
           " bytes=" + std::to_string(bytes_);
  }

 private:
  OFCondition store(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID presentation_id) {
    const auto started = Clock::now();
    T_ASC_PresentationContext context{};
    ASC_findAcceptedPresentationContext(context_.assoc->params, presentation_id, &context);
    const std::string transfer_syntax = context.acceptedTransferSyntax;
    const std::string sop_class = request.AffectedSOPClassUID;
    const std::string sop_instance = request.AffectedSOPInstanceUID;

    // Refuse before anything is written: the command's own UIDs must be sane and match the
    // negotiated context. The dataset still has to be read off the wire.
    std::uint16_t early_status = status::kSuccess;
    std::string early_comment;
    if (!dicom_values::isValidUid(sop_instance)) {
      early_status = status::kCannotUnderstand;
      early_comment = "Affected SOP Instance UID is not a valid UID";
    } else if (sop_class != context.abstractSyntax) {
      early_status = status::kSopClassNotSupported;
      early_comment = "SOP class differs from the negotiated presentation context";
    }
    std::unique_ptr<TempFile> temp;
    if (early_status == status::kSuccess) {
      try {
        temp = store_.createTemp();
      } catch (const std::system_error& e) {
        early_status = status::kOutOfResources;
        early_comment = std::string("cannot create file: ") + e.what();
      }
    }
    if (early_status != status::kSuccess) {
      DIC_UL bytes = 0;
      DIC_UL pdvs = 0;
      const OFCondition cond =
          DIMSE_ignoreDataSet(context_.assoc, DIMSE_NONBLOCKING, timeoutSeconds(), &bytes, &pdvs);
      if (cond.bad()) return cond;
      return respond(request, presentation_id, early_status, early_comment, started, bytes,
                     "refused");
    }

    HashingFileSink sink(temp->fd(), UINT64_MAX);
    ConsumerOutputStream stream(&sink);
    OFCondition cond = writeMetaHeader(stream, request, transfer_syntax, context_.calling_aet);
    if (cond.bad() || !sink.good()) {
      DIC_UL bytes = 0;
      DIC_UL pdvs = 0;
      cond =
          DIMSE_ignoreDataSet(context_.assoc, DIMSE_NONBLOCKING, timeoutSeconds(), &bytes, &pdvs);
      if (cond.bad()) return cond;
      temp.reset();  // removed before the peer hears the answer
      return respond(request, presentation_id, status::kOutOfResources,
                     "cannot write file: " + sink.failureText(), started, bytes, "failed");
    }
    const std::uint64_t header_bytes = sink.bytesWritten();
    sink.limitRemaining(settings_.max_object_size);

    T_ASC_PresentationContextID data_presentation_id = 0;
    cond = DIMSE_receiveDataSetInFile(context_.assoc, DIMSE_NONBLOCKING, timeoutSeconds(),
                                      &data_presentation_id, &stream, nullptr, nullptr);
    const std::uint64_t dataset_bytes = sink.bytesWritten() - header_bytes;
    if (cond.bad() || data_presentation_id != presentation_id) temp.reset();
    if (cond.bad()) {
      if (isOutOfResources(cond)) {
        return respond(request, presentation_id, status::kOutOfResources, sink.failureText(),
                       started, dataset_bytes, "failed");
      }
      logging::pacs()->warn(
          "store interrupted id={} peer={} sop_instance={} received_bytes={} error=\"{}\" "
          "(nothing stored)",
          context_.id, context_.peer_address, sop_instance, dataset_bytes, cond.text());
      ++failed_;
      return cond;  // the association is unusable; the temporary file is removed
    }
    if (!sink.finish()) {
      temp.reset();
      return respond(request, presentation_id, status::kOutOfResources,
                     "cannot write file: " + sink.failureText(), started, dataset_bytes, "failed");
    }
    if (data_presentation_id != presentation_id) {
      return respond(request, presentation_id, status::kCannotUnderstand,
                     "dataset sent on a different presentation context than its command", started,
                     dataset_bytes, "refused");
    }

    ReceivedObject object;
    object.file = std::move(temp);
    object.storage_hash = sink.finishHash();
    object.file_size = sink.bytesWritten();
    object.command_sop_class_uid = sop_class;
    object.command_sop_instance_uid = sop_instance;
    object.calling_aet = context_.calling_aet;
    const ArchiveOutcome outcome = archiver_.archive(object);
    object.file.reset();  // a refused or duplicate copy is gone before the peer is answered

    if (outcome.result == ArchiveResult::kDuplicateKept ||
        outcome.result == ArchiveResult::kReplaced) {
      logging::pacs()->info("duplicate sop_instance={} action={} held_hash={} received_hash={}",
                            sop_instance,
                            outcome.result == ArchiveResult::kReplaced ? "replaced" : "kept first",
                            outcome.previous_hash, object.storage_hash);
    }
    patient_token_ = logging::maskIdentifier(outcome.metadata.patient_id);
    return respond(request, presentation_id, outcome.dimse_status, outcome.comment, started,
                   dataset_bytes, toString(outcome.result));
  }

  OFCondition respond(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID presentation_id,
                      std::uint16_t dimse_status, const std::string& comment,
                      Clock::time_point started, std::uint64_t bytes, const char* result) {
    T_DIMSE_C_StoreRSP response{};
    response.MessageIDBeingRespondedTo = request.MessageID;
    response.DimseStatus = dimse_status;
    response.DataSetType = DIMSE_DATASET_NULL;
    OFStandard::strlcpy(response.AffectedSOPClassUID, request.AffectedSOPClassUID,
                        sizeof(response.AffectedSOPClassUID));
    OFStandard::strlcpy(response.AffectedSOPInstanceUID, request.AffectedSOPInstanceUID,
                        sizeof(response.AffectedSOPInstanceUID));
    response.opts = O_STORE_AFFECTEDSOPCLASSUID | O_STORE_AFFECTEDSOPINSTANCEUID;

    DcmDataset detail;
    DcmDataset* detail_ptr = nullptr;
    if (dimse_status != status::kSuccess && !comment.empty()) {
      // Error Comment is LO: at most 64 characters.
      detail.putAndInsertString(DCM_ErrorComment, comment.substr(0, 64).c_str());
      detail_ptr = &detail;
    }
    const auto milliseconds =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    const char* class_name = dcmFindNameOfUID(request.AffectedSOPClassUID, "unknown SOP class");
    if (dimse_status == status::kSuccess) {
      ++stored_;
      bytes_ += bytes;
      logging::pacs()->info(
          "object id={} sop_class=\"{}\" sop_instance={} patient={} bytes={} ms={} "
          "status=0x{:04X} result={}",
          context_.id, class_name, request.AffectedSOPInstanceUID, patient_token_, bytes,
          milliseconds, dimse_status, result);
    } else {
      ++failed_;
      logging::pacs()->warn(
          "object id={} peer={} sop_class=\"{}\" sop_instance={} bytes={} ms={} "
          "status=0x{:04X} result={} error=\"{}\"",
          context_.id, context_.peer_address, class_name, request.AffectedSOPInstanceUID, bytes,
          milliseconds, dimse_status, result, comment);
    }
    patient_token_ = "-";
    return DIMSE_sendStoreResponse(context_.assoc, presentation_id, &request, &response,
                                   detail_ptr);
  }

  int timeoutSeconds() const { return static_cast<int>(context_.dimse_timeout.count()); }

  dicom::AssociationContext context_;
  const config::PacsSettings& settings_;
  FileStore& store_;
  InstanceArchiver& archiver_;
  std::string patient_token_ = "-";
  std::uint64_t stored_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace

StorageScp::StorageScp(const config::PacsSettings& settings, FileStore& store,
                       InstanceArchiver& archiver)
    : settings_(settings),
      store_(store),
      archiver_(archiver),
      sop_classes_(storageSopClasses(settings.allowed_sop_classes)) {}

std::vector<std::string> StorageScp::transferSyntaxes() const { return storageTransferSyntaxes(); }

std::unique_ptr<dicom::AssociationHandler> StorageScp::createHandler(
    const dicom::AssociationContext& context) {
  return std::make_unique<StoreAssociationHandler>(context, settings_, store_, archiver_);
}

}  // namespace gateway::pacs
