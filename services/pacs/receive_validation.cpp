#include "services/pacs/receive_validation.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include "common/dicom/dimse_status.h"

namespace gateway::pacs {

std::optional<ReceiveRefusal> refusalFor(const InstanceMetadata& m) {
  const auto refuse = [](const char* what, const DcmTagKey& tag) {
    return ReceiveRefusal{dicom::status::kDataSetDoesNotMatchSopClass,
                          std::string("dataset has no ") + what + " " + tag.toString().c_str(),
                          {tag}};
  };
  if (m.study_instance_uid.empty()) return refuse("Study Instance UID", DCM_StudyInstanceUID);
  if (m.series_instance_uid.empty()) return refuse("Series Instance UID", DCM_SeriesInstanceUID);
  if (m.has_pixel_data) {
    if (!m.has_rows) return refuse("Rows for its Pixel Data", DCM_Rows);
    if (!m.has_columns) return refuse("Columns for its Pixel Data", DCM_Columns);
    if (!m.has_bits_allocated)
      return refuse("Bits Allocated for its Pixel Data", DCM_BitsAllocated);
  }
  return std::nullopt;
}

std::string flagsFor(const InstanceMetadata& m) {
  std::string flags;
  if (m.patient_id.empty()) flags = "no_patient_id";
  if (m.accession_number.empty())
    flags += std::string(flags.empty() ? "" : ",") + "no_accession_number";
  return flags;
}

}  // namespace gateway::pacs
