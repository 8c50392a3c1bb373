#pragma once

#include "common/dicom/providers.h"
#include "services/mwl/mpps_processor.h"

namespace gateway::mwl {

// Modality Performed Procedure Step on the DICOM edge: N-CREATE and N-SET of the MPPS SOP
// class go to the MppsProcessor, whose outcome becomes the reply (status, Error Comment,
// Attribute Identifier List, the attribute list). Other operations and classes are refused.
class MppsProvider : public dicom::NServiceProvider {
 public:
  MppsProvider(const dicom::AssociationContext& context, MppsProcessor& processor)
      : context_(context), processor_(processor) {}

  dicom::NReply handle(const dicom::NRequest& request) override;
  spdlog::logger* logger() override;

 private:
  const dicom::AssociationContext& context_;
  MppsProcessor& processor_;
};

}  // namespace gateway::mwl
