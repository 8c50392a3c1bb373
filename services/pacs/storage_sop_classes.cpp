#include "services/pacs/storage_sop_classes.h"

#include <dcmtk/dcmdata/dcuid.h>

namespace gateway::pacs {

std::vector<std::string> storageSopClasses(const std::vector<std::string>& allow_list) {
  if (!allow_list.empty()) return allow_list;
  std::vector<std::string> classes;
  for (int i = 0; i < numberOfDcmAllStorageSOPClassUIDs; ++i) {
    classes.emplace_back(dcmAllStorageSOPClassUIDs[i]);
  }
  return classes;
}

std::vector<std::string> storageTransferSyntaxes() {
  return {
      UID_LittleEndianExplicitTransferSyntax,
      UID_LittleEndianImplicitTransferSyntax,
      UID_DeflatedExplicitVRLittleEndianTransferSyntax,
      UID_BigEndianExplicitTransferSyntax,
      UID_JPEGProcess14SV1TransferSyntax,
      UID_JPEGProcess14TransferSyntax,
      UID_JPEGLSLosslessTransferSyntax,
      UID_JPEG2000LosslessOnlyTransferSyntax,
      UID_RLELosslessTransferSyntax,
      UID_JPEGProcess1TransferSyntax,
      UID_JPEGProcess2_4TransferSyntax,
      UID_JPEGLSLossyTransferSyntax,
      UID_JPEG2000TransferSyntax,
  };
}

}  // namespace gateway::pacs
