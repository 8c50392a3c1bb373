#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/config/gateway_config.h"
#include "common/dicom/dicom_server.h"
#include "services/pacs/file_store.h"
#include "services/pacs/instance_archiver.h"
#include "services/pacs/instance_index.h"

namespace gateway::pacs {

// The storage service: negotiates storage SOP classes and, for each C-STORE, gives the DICOM
// edge a reception that writes the dataset exactly as received (behind a Part 10 meta
// header) to a temporary file, then hands it to the archiver and answers with the
// archiver's status. Also negotiates Patient Root and Study Root Query/Retrieve – FIND,
// answered by QrFind over the index. createHandler runs on worker threads; the archiver,
// index and file store it shares are thread-safe.
class StorageScp : public dicom::DicomService {
 public:
  StorageScp(const config::PacsSettings& settings, FileStore& store, InstanceIndex& index,
             InstanceArchiver& archiver);

  std::vector<std::string> abstractSyntaxes() const override;
  std::vector<std::string> transferSyntaxes() const override;
  std::unique_ptr<dicom::AssociationHandler> createHandler(
      const dicom::AssociationContext& context) override;

 private:
  std::string aet_;
  FileStore& store_;
  InstanceIndex& index_;
  InstanceArchiver& archiver_;
  std::vector<std::string> sop_classes_;
};

}  // namespace gateway::pacs
