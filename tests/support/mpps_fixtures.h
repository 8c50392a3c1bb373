#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <string>

namespace gateway::test {

// The Study Instance UID the N-CREATE attributes below name.
inline constexpr const char* kMppsStudyUid = "1.2.826.0.1.3680043.10.543.99";

// An N-CREATE attribute list as a mammography modality sends it (IN PROGRESS, station
// MAMMO1, started 09:35 on `date`); an empty `accession` makes an unscheduled step.
DcmDataset mppsCreateAttributes(const std::string& accession, const std::string& patient_id = "",
                                const std::string& date = "20261128");

// An N-SET modification list: the new status, ended 09:45 on 2026-11-28.
DcmDataset mppsSetStatus(const std::string& status);

// An N-SET DISCONTINUED with the reason (DCM 110514) "Incorrect worklist entry selected".
DcmDataset mppsDiscontinuedWrongItem();

}  // namespace gateway::test
