#include "common/dicom_values/dataset_values.h"

namespace gateway::dicom_values {

void putOrEmpty(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
  if (value.empty()) {
    item.insertEmptyElement(tag);
  } else {
    item.putAndInsertString(tag, value.c_str());
  }
}

}  // namespace gateway::dicom_values
