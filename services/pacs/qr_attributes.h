#pragma once

#include <dcmtk/dcmdata/dctagkey.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/matching/attribute_matcher.h"
#include "services/pacs/instance_metadata.h"

// The Query/Retrieve information models over the PACS index (PS3.4 C.6.1 Patient Root,
// C.6.2 Study Root): levels, and one table of the keys the index can match and return.
// Everything else in Query/Retrieve (parsing, SQL prefilter, matching, responses) is derived
// from this table.
namespace gateway::pacs {

// In hierarchy order: a lower value is a higher level.
enum class QrLevel { kPatient = 0, kStudy = 1, kSeries = 2, kImage = 3 };
enum class QrModel { kPatientRoot, kStudyRoot };

// What an aggregate key holds, over the STORED instances of its level's entity; kNone for
// a key the index holds as a column.
enum class QrAggregate { kNone, kStudies, kSeries, kInstances, kModalities, kSopClasses };

struct QrAttribute {
  DcmTagKey tag;
  QrLevel level;                          // the entity whose attribute it is
  match::Rule rule;                       // how its value is matched (PS3.4 C.2.2.2)
  std::string InstanceMetadata::*member;  // where the index holds it; null for aggregates
  bool unique = false;                    // the Unique Key of its level
  QrAggregate aggregate = QrAggregate::kNone;

  bool computed() const { return aggregate != QrAggregate::kNone; }
};

const std::vector<QrAttribute>& qrAttributes();
// The key for `tag`, or null when the index does not hold it.
const QrAttribute* findQrAttribute(const DcmTagKey& tag);
// Patient ID, Study Instance UID, Series Instance UID, SOP Instance UID.
const QrAttribute& uniqueKeyOf(QrLevel level);

// "PATIENT", "STUDY", "SERIES", "IMAGE" (Query/Retrieve Level, 0008,0052).
const char* levelName(QrLevel level);
std::optional<QrLevel> parseLevel(std::string_view text);
// The highest level of a model: PATIENT for Patient Root, STUDY for Study Root.
QrLevel topLevel(QrModel model);
const char* modelName(QrModel model);  // "patient-root", "study-root" (log lines)

// The information model of a Query/Retrieve SOP class: the FIND classes here; MOVE and GET
// classes of the same models map to the same models.
std::optional<QrModel> modelOfSopClass(std::string_view sop_class_uid);

}  // namespace gateway::pacs
