#include "services/mwl/worklist_query.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include "common/config/value_parsers.h"
#include "common/dicom_values/value_checks.h"
#include "common/matching/attribute_matcher.h"

namespace gateway::mwl {
namespace {

std::string valueOf(DcmElement& element) {
  OFString value;
  if (element.getOFStringArray(value).bad()) return {};
  return config::trim(value.c_str());
}

bool isExact(const std::string& value) { return !value.empty() && !match::hasWildcard(value); }

// Adds the condition for one element of `level`; returns an error text or "".
std::string addCondition(WorklistQuery& query, Level level, DcmElement& element) {
  const WorklistAttribute* attribute = findAttribute(level, element.getTag());
  if (attribute == nullptr || attribute->matching == Matching::kReturnOnly) return {};
  const std::string value = valueOf(element);
  const std::string name = DcmTag(element.getTag()).getTagName();
  switch (attribute->matching) {
    case Matching::kDate:
      if (!match::isValidDateQuery(value))
        return name + " '" + value + "' is not a date or date range";
      if (attribute->tag == DCM_ScheduledProcedureStepStartDate) {
        query.date_query = value;
        return {};
      }
      break;
    case Matching::kTime:
      if (!match::isValidTimeQuery(value))
        return name + " '" + value + "' is not a time or time range";
      if (attribute->tag == DCM_ScheduledProcedureStepStartTime) {
        query.time_query = value;
        return {};
      }
      break;
    case Matching::kUidList:
      if (!match::isValidQuery(match::Rule::kUidList, value))
        return name + " '" + value + "' is not a UID or list of UIDs";
      break;
    case Matching::kStatus:
      if (!match::isUniversal(value)) query.status_given = true;
      break;
    default:
      break;
  }
  if (!match::isUniversal(value)) query.conditions.push_back({attribute, value});
  return {};
}

}  // namespace

ParsedQuery parseWorklistQuery(DcmItem& identifier, const std::string& calling_aet,
                               bool calling_aet_as_station) {
  WorklistQuery query;
  for (unsigned long i = 0; i < identifier.card(); ++i) {
    DcmElement* element = identifier.getElement(i);
    if (element->getTag() == DCM_ScheduledProcedureStepSequence) {
      auto* sequence = dynamic_cast<DcmSequenceOfItems*>(element);
      if (sequence == nullptr)
        return {std::nullopt, "Scheduled Procedure Step Sequence is not a sequence"};
      if (sequence->card() > 1) {
        return {std::nullopt, "Scheduled Procedure Step Sequence has more than one item"};
      }
      if (sequence->card() == 1) {
        DcmItem* step = sequence->getItem(0);
        for (unsigned long k = 0; k < step->card(); ++k) {
          const std::string error = addCondition(query, Level::kStep, *step->getElement(k));
          if (!error.empty()) return {std::nullopt, error};
        }
      }
      continue;
    }
    if (element->getTag().getGroup() == 0x0008 && element->getTag().getElement() == 0x0005)
      continue;
    if (element->ident() == EVR_SQ) continue;  // other sequences: return keys only
    const std::string error = addCondition(query, Level::kTop, *element);
    if (!error.empty()) return {std::nullopt, error};
  }
  if (calling_aet_as_station) {
    bool station_given = false;
    for (const auto& c : query.conditions) {
      if (c.attribute->tag == DCM_ScheduledStationAETitle) station_given = true;
    }
    if (!station_given) query.station_from_caller = calling_aet;
  }
  return {query, {}};
}

CandidateFilter WorklistQuery::prefilter() const {
  CandidateFilter filter;
  if (!match::isUniversal(date_query)) {
    const auto dash = date_query.find('-');
    if (dash == std::string::npos) {
      filter.date_from = filter.date_to = date_query;
    } else {
      filter.date_from = date_query.substr(0, dash);
      filter.date_to = date_query.substr(dash + 1);
    }
  }
  for (const auto& c : conditions) {
    if (!isExact(c.value)) continue;
    const DcmTagKey& tag = c.attribute->tag;
    if (tag == DCM_Modality) filter.modality = c.value;
    if (tag == DCM_PatientID) filter.patient_id = c.value;
    if (tag == DCM_AccessionNumber) filter.accession_number = c.value;
    if (tag == DCM_ScheduledStationAETitle) filter.station_aet = c.value;
  }
  if (!station_from_caller.empty()) filter.station_aet = station_from_caller;
  if (!status_given) filter.statuses = {kScheduled, kInProgress};
  return filter;
}

bool WorklistQuery::matches(const WorklistItem& item) const {
  if (!status_given && item.status != kScheduled && item.status != kInProgress) return false;
  if (!station_from_caller.empty() && item.scheduled_station_aet != station_from_caller) {
    return false;
  }
  if (!match::matchDateAndTime(date_query, time_query, item.scheduled_date, item.scheduled_time)) {
    return false;
  }
  for (const auto& c : conditions) {
    const std::string& value = item.*(c.attribute->member);
    bool ok = true;
    if (c.attribute->matching == Matching::kStatus) {
      ok = match::matchText(c.value, stepStatusTerm(value)) || match::matchText(c.value, value);
    } else if (const auto rule = matchingRule(c.attribute->matching)) {
      ok = match::matchByRule(*rule, c.value, value);
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace gateway::mwl
