#pragma once

#include <string>

namespace gateway::dicom_values {

// A new UID under the 2.25 root (PS3.5 B.2): "2.25." and the decimal value of a UUID from
// DCMTK's OFUUID, at most 44 characters. Thread-safe (OFUUID serialises generation).
std::string generateUid();

}  // namespace gateway::dicom_values
