#pragma once

#include <dcmtk/dcmdata/dcitem.h>

#include <string>

namespace gateway::dicom_values {

// Puts `value` into `item` under `tag`, or the attribute zero-length when `value` is empty:
// how every response, query and object we build sends a value it may not have (a type 2
// attribute, a return key without a value).
void putOrEmpty(DcmItem& item, const DcmTagKey& tag, const std::string& value);

}  // namespace gateway::dicom_values
