#include "services/mwl/mwl_scp.h"

#include <dcmtk/dcmdata/dcuid.h>

#include "services/mwl/mpps_provider.h"
#include "services/mwl/worklist_find.h"

namespace gateway::mwl {
namespace {

class WorklistAssociationHandler : public dicom::AssociationHandler {
 public:
  WorklistAssociationHandler(const dicom::AssociationContext& context,
                             const config::MwlSettings& settings, WorklistStore& store,
                             MppsProcessor& mpps)
      : context_(context), find_(context_, settings, store), mpps_(context_, mpps) {}

  dicom::FindProvider* find() override { return &find_; }
  dicom::NServiceProvider* normalized() override { return &mpps_; }

 private:
  dicom::AssociationContext context_;
  WorklistFind find_;  // after context_: both keep a reference to it
  MppsProvider mpps_;
};

}  // namespace

MwlScp::MwlScp(const config::MwlSettings& settings, WorklistStore& store, MppsProcessor& mpps)
    : settings_(settings), store_(store), mpps_(mpps) {}

std::vector<dicom::OfferedSyntax> MwlScp::abstractSyntaxes() const {
  return {{UID_FINDModalityWorklistInformationModel, config::AeService::kWorklist},
          {UID_ModalityPerformedProcedureStepSOPClass, config::AeService::kMpps}};
}

std::vector<std::string> MwlScp::transferSyntaxes() const {
  return {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
          UID_BigEndianExplicitTransferSyntax};
}

std::unique_ptr<dicom::AssociationHandler> MwlScp::createHandler(
    const dicom::AssociationContext& context) {
  return std::make_unique<WorklistAssociationHandler>(context, settings_, store_, mpps_);
}

}  // namespace gateway::mwl
