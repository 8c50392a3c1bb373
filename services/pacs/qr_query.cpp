#include "services/pacs/qr_query.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>

#include "common/dicom/dimse_status.h"
#include "common/dicom/element_text.h"
#include "common/logging/identifier_mask.h"
#include "common/logging/peer_text.h"
#include "common/matching/attribute_matcher.h"
#include "common/text/trim.h"

namespace gateway::pacs {
namespace {

namespace status = dicom::status;
using dicom::DimseReply;

// Longer UID lists are matched in C++ only: an SQL statement with thousands of bound values
// costs more than the scan it would save.
constexpr std::size_t kMaxPrefilterUids = 500;

std::string nameOf(const DcmTagKey& tag) {
  return std::string(DcmTag(tag).getTagName()) + " " + tag.toString().c_str();
}

DimseReply refuse(const std::string& comment, const DcmTagKey& tag) {
  return DimseReply::failure(status::kIdentifierDoesNotMatchSopClass, comment, {tag});
}

std::string valueOf(DcmElement& element) {
  OFString value;
  if (element.getOFStringArray(value).bad()) return {};
  return text::trim(std::string_view(value.c_str(), value.length()));
}

std::vector<std::string> splitList(const std::string& value) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto end = value.find('\\', start);
    parts.push_back(text::trim(std::string_view(value).substr(
        start, end == std::string::npos ? std::string::npos : end - start)));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// A single value: not universal, no wildcard, not a list.
bool isSingleValue(const std::string& value) {
  return !match::isUniversal(value) && !match::hasWildcard(value) &&
         value.find('\\') == std::string::npos;
}

// The syntax check of one matching key's value; "" when it is acceptable.
std::string syntaxError(const QrAttribute& a, const std::string& value) {
  if (match::isValidQuery(a.rule, value)) return {};
  const char* what = a.rule == match::Rule::kDate   ? "a date or range"
                     : a.rule == match::Rule::kTime ? "a time or range"
                                                    : "a UID or list of UIDs";
  return nameOf(a.tag) + " '" + value + "' is not " + what;
}

bool isIdentifyingKey(const DcmTagKey& tag) {
  return tag == DCM_PatientID || tag == DCM_PatientName || tag == DCM_PatientBirthDate;
}

}  // namespace

ParsedQrQuery parseQrIdentifier(DcmItem& identifier, QrModel model, QrPurpose purpose) {
  ParsedQrQuery parsed;
  QrQuery query;
  query.model = model;
  query.purpose = purpose;

  const std::string level_value = dicom::elementText(identifier, DCM_QueryRetrieveLevel);
  if (level_value.empty()) {
    parsed.refusal = refuse("Query/Retrieve Level (0008,0052) is missing", DCM_QueryRetrieveLevel);
    return parsed;
  }
  const auto level = parseLevel(level_value);
  if (!level) {
    parsed.refusal =
        refuse("Query/Retrieve Level '" + level_value + "' is not PATIENT, STUDY, SERIES or IMAGE",
               DCM_QueryRetrieveLevel);
    return parsed;
  }
  if (*level < topLevel(model)) {
    parsed.refusal = refuse("Query/Retrieve Level PATIENT is not part of the Study Root model",
                            DCM_QueryRetrieveLevel);
    return parsed;
  }
  query.level = *level;

  // The value each unique key was given (absent: not in the identifier).
  std::optional<std::string> unique_values[4];
  for (unsigned long i = 0; i < identifier.card(); ++i) {
    DcmElement* element = identifier.getElement(i);
    const DcmTagKey tag = element->getTag();
    if (tag.isPrivate() || tag.getGroup() < 0x0008 || element->ident() == EVR_SQ) continue;
    const QrAttribute* a = findQrAttribute(tag);
    if (a == nullptr || a->level > query.level) continue;  // not held, or below the level
    const std::string value = valueOf(*element);
    if (a->unique) unique_values[static_cast<int>(a->level)] = value;
    if (purpose == QrPurpose::kRetrieve && !a->unique) continue;
    if (const std::string error = syntaxError(*a, value); !error.empty()) {
      parsed.refusal = refuse(error, tag);
      return parsed;
    }
    if (a->computed()) {
      query.aggregate_levels.insert(a->level);
      const bool matchable =
          a->aggregate == QrAggregate::kModalities || a->aggregate == QrAggregate::kSopClasses;
      // Counts are return keys: a value sent in one does not restrict.
      if (matchable && !match::isUniversal(value)) query.aggregate_conditions.push_back({a, value});
      continue;
    }
    if (!match::isUniversal(value)) query.conditions.push_back({a, value});
  }

  // Hierarchical search: each level above holds one entity, named by its unique key.
  for (int l = static_cast<int>(topLevel(model)); l < static_cast<int>(query.level); ++l) {
    const QrAttribute& key = uniqueKeyOf(static_cast<QrLevel>(l));
    const auto& value = unique_values[l];
    if (!value || !isSingleValue(*value)) {
      parsed.refusal =
          refuse(std::string("relational queries are not supported: ") + nameOf(key.tag) +
                     " needs a single value at " + levelName(query.level) + " level",
                 key.tag);
      return parsed;
    }
  }
  if (purpose == QrPurpose::kRetrieve) {
    const QrAttribute& key = uniqueKeyOf(query.level);
    const auto& value = unique_values[static_cast<int>(query.level)];
    const bool given = value && !match::isUniversal(*value) && !match::hasWildcard(*value);
    const bool single_needed = query.level == QrLevel::kPatient;
    if (!given || (single_needed && !isSingleValue(*value))) {
      parsed.refusal =
          refuse(nameOf(key.tag) +
                     (single_needed ? " needs a single value" : " needs a UID or list of UIDs") +
                     " to retrieve at " + levelName(query.level) + " level",
                 key.tag);
      return parsed;
    }
  }
  parsed.query = std::move(query);
  return parsed;
}

InstanceFilter QrQuery::prefilter() const {
  InstanceFilter filter;
  for (const auto& c : conditions) {
    const char* column = metadataColumn(c.attribute->member);
    if (column == nullptr) continue;
    switch (c.attribute->rule) {
      case match::Rule::kText:
        if (!match::hasWildcard(c.value)) filter.one_of.push_back({column, {c.value}});
        break;
      case match::Rule::kUidList: {
        auto uids = splitList(c.value);
        if (uids.size() <= kMaxPrefilterUids) filter.one_of.push_back({column, std::move(uids)});
        break;
      }
      case match::Rule::kDate: {
        const auto dash = c.value.find('-');
        if (dash == std::string::npos) {
          filter.between.push_back({column, c.value, c.value});
        } else {
          filter.between.push_back({column, c.value.substr(0, dash), c.value.substr(dash + 1)});
        }
        break;
      }
      default:  // person names (case-insensitive) and times (precision) are for the matcher
        break;
    }
  }
  return filter;
}

bool QrQuery::matches(const InstanceMetadata& row) const {
  for (const auto& c : conditions) {
    if (!match::matchByRule(c.attribute->rule, c.value, row.*(c.attribute->member))) return false;
  }
  return true;
}

bool QrQuery::matchesAggregates(const RelatedCounts& study) const {
  for (const auto& c : aggregate_conditions) {
    const auto& values =
        c.attribute->aggregate == QrAggregate::kModalities ? study.modalities : study.sop_classes;
    if (!match::matchAnyValue(c.value, values)) return false;
  }
  return true;
}

std::string QrQuery::summary() const {
  std::string out = std::string("model=") + modelName(model) + " level=" + levelName(level);
  for (const auto* list : {&conditions, &aggregate_conditions}) {
    for (const auto& c : *list) {
      out += std::string(" ") + DcmTag(c.attribute->tag).getTagName() + "=" +
             (isIdentifyingKey(c.attribute->tag) ? logging::maskIdentifier(c.value)
                                                 : logging::escaped(c.value, 80));
    }
  }
  return out;
}

}  // namespace gateway::pacs
