#include "services/pacs/storage_scp.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <system_error>

#include "common/dicom/consumer_stream.h"
#include "common/dicom/dimse_status.h"
#include "common/logging/identifier_mask.h"
#include "common/logging/logging.h"
#include "services/pacs/hashing_file_sink.h"
#include "services/pacs/qr_find.h"
#include "services/pacs/retrieve_provider.h"
#include "services/pacs/storage_sop_classes.h"

namespace gateway::pacs {
namespace {

namespace status = dicom::status;
using dicom::DimseReply;

// Writes the Part 10 preamble, "DICM" and the group 0002 meta header for an object
// received over the network. The dataset bytes follow unchanged.
OFCondition writeMetaHeader(DcmOutputStream& stream, const dicom::StoreRequest& request,
                            const std::string& calling_aet) {
  DcmMetaInfo meta;
  meta.putAndInsertUint32(DCM_FileMetaInformationGroupLength, 0);
  const Uint8 version[2] = {0, 1};
  meta.putAndInsertUint8Array(DCM_FileMetaInformationVersion, version, 2);
  meta.putAndInsertString(DCM_MediaStorageSOPClassUID, request.sop_class_uid.c_str());
  meta.putAndInsertString(DCM_MediaStorageSOPInstanceUID, request.sop_instance_uid.c_str());
  meta.putAndInsertString(DCM_TransferSyntaxUID, request.transfer_syntax_uid.c_str());
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

// One C-STORE's dataset on its way to a temporary file in .incoming, hashed as it goes.
// Destroyed without being archived, it removes the file.
class FileReception : public dicom::StoreReception {
 public:
  FileReception(std::unique_ptr<TempFile> temp, const dicom::StoreRequest& request,
                const dicom::AssociationContext& context, InstanceArchiver& archiver)
      : receiving_(archiver.receiving()),
        temp_(std::move(temp)),
        sink_(temp_->fd()),
        request_(request),
        context_(context),
        archiver_(archiver) {}

  // The meta header, before any dataset byte; false with the reason in sinkFailure().
  bool writeHeader() {
    dicom::ConsumerStream stream(&sink_);
    return writeMetaHeader(stream, request_, context_.calling_aet).good() && sink_.good();
  }

  bool write(const std::uint8_t* data, std::size_t size) override {
    return sink_.write(data, static_cast<offile_off_t>(size)) == static_cast<offile_off_t>(size);
  }

  DimseReply sinkFailure() override {
    return DimseReply::failure(status::kOutOfResources,
                               "cannot write file: " + sink_.failureText());
  }

  DimseReply complete(const dicom::ReceivedDataset&) override {
    if (!sink_.finish()) return sinkFailure();
    ReceivedObject object;
    object.file = std::move(temp_);
    object.storage_hash = sink_.finishHash();
    object.file_size = sink_.bytesWritten();
    object.command_sop_class_uid = request_.sop_class_uid;
    object.command_sop_instance_uid = request_.sop_instance_uid;
    object.calling_aet = context_.calling_aet;
    const ArchiveOutcome outcome = archiver_.archive(object);
    object.file.reset();  // a refused or duplicate copy is gone before the peer is answered

    if (outcome.result == ArchiveResult::kDuplicateKept ||
        outcome.result == ArchiveResult::kDuplicateQuarantined ||
        outcome.result == ArchiveResult::kReplaced) {
      logging::pacs()->log(
          outcome.result == ArchiveResult::kDuplicateQuarantined ? spdlog::level::warn
                                                                 : spdlog::level::info,
          "duplicate sop_instance={} action={} held_hash={} received_hash={}{}",
          request_.sop_instance_uid,
          outcome.result == ArchiveResult::kReplaced ? "replaced" : "kept first",
          outcome.previous_hash, object.storage_hash,
          outcome.quarantine_path.empty() ? "" : " quarantined=" + outcome.quarantine_path);
    }
    DimseReply reply;
    reply.status = outcome.dimse_status;
    reply.comment = outcome.comment;
    reply.attributes = outcome.offending;
    reply.log_fields = "patient=" + logging::maskIdentifier(outcome.metadata.patient_id) +
                       " result=" + toString(outcome.result);
    return reply;
  }

 private:
  ReceiveActivity::Scope receiving_;  // forwarding waits while this object arrives
  std::unique_ptr<TempFile> temp_;
  HashingFileSink sink_;
  dicom::StoreRequest request_;
  const dicom::AssociationContext& context_;
  InstanceArchiver& archiver_;
};

class StoreAssociationHandler : public dicom::AssociationHandler, public dicom::StoreProvider {
 public:
  StoreAssociationHandler(const dicom::AssociationContext& context, FileStore& store,
                          InstanceArchiver& archiver, CommitmentService* commitment,
                          CommitmentStore* commitments, InstanceIndex* index,
                          const CommitmentService::Resolver& resolve_ae,
                          const dicom::RemoteAeTable* known_aes, const std::string& aet)
      : context_(context), store_(store), archiver_(archiver) {
    if (commitment != nullptr && commitments != nullptr) {
      commitment_ = std::make_unique<CommitmentProvider>(context_, *commitment, *commitments);
    }
    if (index != nullptr) {
      find_ = std::make_unique<QrFind>(aet, *index);
      retrieve_ =
          std::make_unique<RetrieveService>(context_, *index, store_, resolve_ae, known_aes);
    }
  }

  dicom::StoreProvider* store() override { return this; }
  dicom::FindProvider* find() override { return find_.get(); }
  dicom::NServiceProvider* normalized() override { return commitment_.get(); }
  dicom::RetrieveProvider* retrieve() override { return retrieve_.get(); }
  std::optional<dicom::OutboundRequest> takeOutbound() override {
    return commitment_ ? commitment_->takeOutbound() : std::nullopt;
  }

  Start beginStore(const dicom::StoreRequest& request) override {
    Start start;
    std::unique_ptr<TempFile> temp;
    try {
      temp = store_.createTemp();
    } catch (const std::system_error& e) {
      start.refusal = DimseReply::failure(status::kOutOfResources,
                                          std::string("cannot create file: ") + e.what());
      return start;
    }
    auto reception = std::make_unique<FileReception>(std::move(temp), request, context_, archiver_);
    if (!reception->writeHeader()) {
      start.refusal = reception->sinkFailure();
      return start;  // the temporary file goes with the reception
    }
    start.reception = std::move(reception);
    return start;
  }

 private:
  dicom::AssociationContext context_;
  FileStore& store_;
  InstanceArchiver& archiver_;
  std::unique_ptr<CommitmentProvider> commitment_;  // after context_: it refers to it
  std::unique_ptr<QrFind> find_;
  std::unique_ptr<RetrieveService> retrieve_;
};

}  // namespace

StorageScp::StorageScp(const config::PacsSettings& settings, FileStore& store,
                       InstanceArchiver& archiver, CommitmentService* commitment,
                       CommitmentStore* commitments, InstanceIndex* index,
                       CommitmentService::Resolver resolve_ae)
    : aet_(settings.aet),
      store_(store),
      archiver_(archiver),
      commitment_(commitment),
      commitments_(commitments),
      index_(index),
      resolve_ae_(std::move(resolve_ae)),
      sop_classes_(storageSopClasses(settings.allowed_sop_classes)) {}

std::vector<dicom::OfferedSyntax> StorageScp::abstractSyntaxes() const {
  std::vector<dicom::OfferedSyntax> offered;
  for (const auto& uid : sop_classes_) offered.push_back({uid, config::AeService::kStore});
  if (commitment_ != nullptr) {
    offered.push_back({kStorageCommitmentClass, config::AeService::kCommitment});
  }
  if (index_ != nullptr) {
    for (const char* model : {UID_FINDPatientRootQueryRetrieveInformationModel,
                              UID_FINDStudyRootQueryRetrieveInformationModel}) {
      offered.push_back({model, config::AeService::kQuery});
    }
    for (const char* model : {kPatientRootMove, kPatientRootGet, kStudyRootMove, kStudyRootGet}) {
      offered.push_back({model, config::AeService::kRetrieve});
    }
  }
  return offered;
}

bool StorageScp::acceptsPeerScpRole(const std::string& abstract_syntax) const {
  return index_ != nullptr &&
         std::find(sop_classes_.begin(), sop_classes_.end(), abstract_syntax) != sop_classes_.end();
}

std::vector<std::string> StorageScp::transferSyntaxes() const { return storageTransferSyntaxes(); }

std::unique_ptr<dicom::AssociationHandler> StorageScp::createHandler(
    const dicom::AssociationContext& context) {
  return std::make_unique<StoreAssociationHandler>(context, store_, archiver_, commitment_,
                                                   commitments_, index_, resolve_ae_,
                                                   known_aes_.get(), aet_);
}

}  // namespace gateway::pacs
