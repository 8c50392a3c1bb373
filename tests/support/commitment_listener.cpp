#include "tests/support/commitment_listener.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/dimse.h>

#include "common/logging/logging.h"

namespace gateway::test {
namespace {
constexpr const char* kCommitmentClass = "1.2.840.10008.1.20.1";
}

class CommitmentListener::Service : public dicom::DicomService {
 public:
  explicit Service(CommitmentListener& owner) : owner_(owner) {}
  std::vector<std::string> abstractSyntaxes() const override { return {kCommitmentClass}; }
  std::vector<std::string> transferSyntaxes() const override {
    return {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax};
  }
  bool acceptsPeerScpRole(const std::string&) const override { return true; }
  std::unique_ptr<dicom::AssociationHandler> createHandler(
      const dicom::AssociationContext& context) override {
    return std::make_unique<Handler>(owner_, context.calling_aet);
  }

 private:
  class Handler : public dicom::AssociationHandler, public dicom::NServiceProvider {
   public:
    Handler(CommitmentListener& owner, std::string calling) : owner_(owner), calling_(calling) {}
    dicom::NServiceProvider* normalized() override { return this; }
    dicom::NReply handle(const dicom::NRequest& request) override {
      dicom::NReply reply;
      if (request.command_field != DIMSE_N_EVENT_REPORT_RQ) {
        reply.reply = dicom::DimseReply::failure(0x0211, "not expected");
        return reply;
      }
      Report report;
      report.event_type = request.type_id.value_or(0);
      report.calling_aet = calling_;
      report.information = std::make_unique<DcmDataset>(*request.dataset);
      owner_.record(std::move(report));
      reply.reply.status = owner_.answer_status_;
      return reply;
    }

   private:
    CommitmentListener& owner_;
    std::string calling_;
  };
  CommitmentListener& owner_;
};

CommitmentListener::CommitmentListener(const std::string& aet, std::uint16_t answer_status)
    : service_(std::make_unique<Service>(*this)), answer_status_(answer_status) {
  dicom::ServerOptions options;
  options.name = "listener";
  options.aet = aet;
  options.bind_address = "127.0.0.1";
  options.port = 0;
  options.network.max_associations = 4;
  server_ = std::make_unique<dicom::DicomServer>(options, *service_, *logging::supervisor());
  server_->bind();
  server_->start();
}

CommitmentListener::~CommitmentListener() { server_->stop(std::chrono::seconds(2)); }

std::uint16_t CommitmentListener::port() const { return server_->port(); }

void CommitmentListener::record(Report report) {
  {
    std::lock_guard lock(mutex_);
    reports_.push_back(std::move(report));
  }
  cv_.notify_all();
}

bool CommitmentListener::waitForReports(std::size_t count, std::chrono::seconds limit) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, limit, [&] { return reports_.size() >= count; });
}

std::vector<CommitmentListener::Report> CommitmentListener::takeReports() {
  std::lock_guard lock(mutex_);
  return std::move(reports_);
}

}  // namespace gateway::test
