#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <optional>
#include <string>
#include <vector>

namespace gateway::pacs {

// The Query/Retrieve information models the PACS AE retrieves with (PS3.4 C.6).
inline constexpr const char* kPatientRootMove = "1.2.840.10008.5.1.4.1.2.1.2";
inline constexpr const char* kPatientRootGet = "1.2.840.10008.5.1.4.1.2.1.3";
inline constexpr const char* kStudyRootMove = "1.2.840.10008.5.1.4.1.2.2.2";
inline constexpr const char* kStudyRootGet = "1.2.840.10008.5.1.4.1.2.2.3";

// What a retrieve identifier selects (PS3.4 C.4.2.2.1: unique keys at and above the level):
// Patient ID, lists of Study, Series and SOP Instance UIDs.
struct RetrieveKeys {
  std::string level;  // PATIENT, STUDY, SERIES, IMAGE
  std::string patient_id;
  std::vector<std::string> study_uids;
  std::vector<std::string> series_uids;
  std::vector<std::string> instance_uids;
};

struct ParsedRetrieve {
  std::optional<RetrieveKeys> keys;
  std::string error;  // why the identifier is refused
};

// Reads the retrieve identifier under `model` (Patient or Study Root): the level and the
// unique keys it needs (a STUDY retrieve needs Study Instance UIDs, and so on; Patient Root
// also the Patient ID above study level); other keys are ignored, as retrieve is by unique key.
ParsedRetrieve parseRetrieveIdentifier(DcmDataset& identifier, const std::string& model);

}  // namespace gateway::pacs
