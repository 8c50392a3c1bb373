#include "common/dicom_values/uid_generator.h"

#include <dcmtk/ofstd/ofuuid.h>

namespace gateway::dicom_values {

std::string generateUid() {
  OFString uid;
  OFUUID().toString(uid, OFUUID::ER_RepresentationOID);
  return std::string(uid.c_str(), uid.length());
}

}  // namespace gateway::dicom_values
