#include "services/pacs/retrieve_keys.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <sstream>

#include "common/dicom/element_text.h"
#include "common/dicom_values/value_checks.h"

namespace gateway::pacs {
namespace {

// A backslash-separated list of UIDs; false when one of them is not a UID.
bool uidList(const std::string& text, std::vector<std::string>& out) {
  std::stringstream in(text);
  std::string uid;
  while (std::getline(in, uid, '\\')) {
    if (!dicom_values::isValidUid(uid)) return false;
    out.push_back(uid);
  }
  return !out.empty();
}

bool isPatientRoot(const std::string& model) {
  return model == kPatientRootMove || model == kPatientRootGet;
}

}  // namespace

ParsedRetrieve parseRetrieveIdentifier(DcmDataset& identifier, const std::string& model) {
  ParsedRetrieve out;
  RetrieveKeys keys;
  keys.level = dicom::elementText(identifier, DCM_QueryRetrieveLevel);
  const int depth = keys.level == "PATIENT"  ? 0
                    : keys.level == "STUDY"  ? 1
                    : keys.level == "SERIES" ? 2
                    : keys.level == "IMAGE"  ? 3
                                             : -1;
  if (depth < 0) {
    out.error = "Query/Retrieve Level must be PATIENT, STUDY, SERIES or IMAGE";
    return out;
  }
  if (!isPatientRoot(model) && depth == 0) {
    out.error = "the Study Root model has no PATIENT level";
    return out;
  }
  keys.patient_id = dicom::elementText(identifier, DCM_PatientID);
  if (isPatientRoot(model) && keys.patient_id.empty()) {
    out.error = "Patient ID is required by the Patient Root model";
    return out;
  }
  struct Level {
    int depth;
    DcmTagKey tag;
    std::vector<std::string>* into;
    const char* name;
  };
  const Level levels[] = {{1, DCM_StudyInstanceUID, &keys.study_uids, "Study Instance UID"},
                          {2, DCM_SeriesInstanceUID, &keys.series_uids, "Series Instance UID"},
                          {3, DCM_SOPInstanceUID, &keys.instance_uids, "SOP Instance UID"}};
  for (const auto& level : levels) {
    if (level.depth > depth) break;
    const std::string value = dicom::elementText(identifier, level.tag);
    if (value.empty()) {
      out.error = std::string(level.name) + " is required at level " + keys.level;
      return out;
    }
    // Above the level a unique key is a single value; at the level, a list.
    if (!uidList(value, *level.into) || (level.depth < depth && level.into->size() > 1)) {
      out.error =
          std::string(level.name) + " is not a valid UID" + (level.depth < depth ? "" : " list");
      return out;
    }
  }
  out.keys = std::move(keys);
  return out;
}

}  // namespace gateway::pacs
