#pragma once

#include <dcmtk/dcmdata/dcitem.h>

#include <string>

namespace gateway::dicom {

// An attribute's value as text (every value, backslash-separated), without the padding DICOM
// adds (leading and trailing spaces, a trailing NUL of a UI); empty when the attribute is
// absent or empty.
std::string elementText(DcmItem& item, const DcmTagKey& tag);

}  // namespace gateway::dicom
