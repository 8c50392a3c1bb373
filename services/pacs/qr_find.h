#pragma once

#include <string>

#include "common/dicom/providers.h"
#include "services/pacs/instance_index.h"

namespace gateway::pacs {

// Query/Retrieve C-FIND (Patient Root and Study Root Information Models – FIND) on the PACS
// AE, without the network: decodes the identifier's character set (match::decodeIdentifier),
// parses it (parseQrIdentifier), searches the index (QrFindCursor) and yields one response
// identifier per next(), in the query's character set where every value fits, else UTF-8.
// Refusals: 0xA900 for an identifier that breaks the model's rules (naming the key), 0xC000
// for a character set we cannot convert from, 0x0122 for a SOP class other than the two
// FIND models.
class QrFind : public dicom::FindProvider {
 public:
  // `retrieve_aet` is sent as Retrieve AE Title (0008,0054): the PACS AE title.
  QrFind(std::string retrieve_aet, InstanceIndex& index)
      : retrieve_aet_(std::move(retrieve_aet)), index_(index) {}

  Start startFind(const dicom::FindRequest& request, DcmDataset& identifier) override;

 private:
  std::string retrieve_aet_;
  InstanceIndex& index_;
};

}  // namespace gateway::pacs
