#include "services/mwl/worklist_response.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <vector>

#include "common/dicom_values/dataset_values.h"
#include "services/mwl/worklist_attributes.h"

namespace gateway::mwl {
namespace {

// Keys returned for a step when the query asks for the whole Scheduled Procedure Step.
const std::vector<DcmTagKey>& fullStepKeys() {
  static const std::vector<DcmTagKey> kKeys = {DCM_ScheduledStationAETitle,
                                               DCM_ScheduledProcedureStepStartDate,
                                               DCM_ScheduledProcedureStepStartTime,
                                               DCM_Modality,
                                               DCM_ScheduledPerformingPhysicianName,
                                               DCM_ScheduledProcedureStepDescription,
                                               DCM_ScheduledStationName,
                                               DCM_ScheduledProcedureStepLocation,
                                               DCM_ScheduledProcedureStepID,
                                               DCM_ScheduledProcedureStepStatus,
                                               DCM_ScheduledProtocolCodeSequence};
  return kKeys;
}

// A code sequence (Requested Procedure Code, Scheduled Protocol Code): one item with the
// asked-for code keys when the item has a code, else zero items.
void fillCodeSequence(DcmItem& out, const DcmTagKey& tag, DcmSequenceOfItems* query_sequence,
                      Level level, const WorklistItem& item) {
  out.insertEmptyElement(tag);
  const WorklistAttribute* code_value = findAttribute(level, DCM_CodeValue);
  if ((item.*(code_value->member)).empty()) return;
  DcmItem* code = nullptr;
  if (out.findOrCreateSequenceItem(tag, code, -2).bad()) return;
  DcmItem* asked = query_sequence != nullptr && query_sequence->card() > 0
                       ? query_sequence->getItem(0)
                       : nullptr;
  for (const auto& a : worklistAttributes()) {
    if (a.level != level) continue;
    if (asked != nullptr && asked->card() > 0 && !asked->tagExists(a.tag)) continue;
    dicom_values::putOrEmpty(*code, a.tag, item.*(a.member));
  }
}

void fillKey(DcmItem& out, const DcmTagKey& tag, DcmElement* query_element, Level level,
             const WorklistItem& item) {
  auto* query_sequence = dynamic_cast<DcmSequenceOfItems*>(query_element);
  if (tag == DCM_RequestedProcedureCodeSequence) {
    fillCodeSequence(out, tag, query_sequence, Level::kProcedureCode, item);
    return;
  }
  if (tag == DCM_ScheduledProtocolCodeSequence) {
    fillCodeSequence(out, tag, query_sequence, Level::kProtocolCode, item);
    return;
  }
  if (const WorklistAttribute* a = findAttribute(level, tag)) {
    const std::string& value = item.*(a->member);
    dicom_values::putOrEmpty(out, tag,
                             a->matching == Matching::kStatus ? stepStatusTerm(value) : value);
    return;
  }
  out.insertEmptyElement(tag);  // a key we do not hold: returned zero-length
}

void fillStep(DcmItem& out, DcmSequenceOfItems* query_sequence, const WorklistItem& item) {
  out.insertEmptyElement(DCM_ScheduledProcedureStepSequence);
  DcmItem* step = nullptr;
  if (out.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, step, -2).bad()) return;
  DcmItem* asked = query_sequence != nullptr && query_sequence->card() > 0
                       ? query_sequence->getItem(0)
                       : nullptr;
  if (asked == nullptr || asked->card() == 0) {
    for (const auto& tag : fullStepKeys()) fillKey(*step, tag, nullptr, Level::kStep, item);
    return;
  }
  for (unsigned long i = 0; i < asked->card(); ++i) {
    DcmElement* element = asked->getElement(i);
    if (element->getTag().isPrivate()) continue;
    fillKey(*step, element->getTag(), element, Level::kStep, item);
  }
}

}  // namespace

std::unique_ptr<DcmDataset> buildWorklistResponse(DcmItem& query, const WorklistItem& item) {
  auto response = std::make_unique<DcmDataset>();
  for (unsigned long i = 0; i < query.card(); ++i) {
    DcmElement* element = query.getElement(i);
    const DcmTagKey tag = element->getTag();
    if (tag.isPrivate() || tag.getGroup() < 0x0008 || tag == DCM_SpecificCharacterSet) continue;
    if (tag == DCM_ScheduledProcedureStepSequence) {
      fillStep(*response, dynamic_cast<DcmSequenceOfItems*>(element), item);
      continue;
    }
    fillKey(*response, tag, element, Level::kTop, item);
  }
  return response;
}

}  // namespace gateway::mwl
