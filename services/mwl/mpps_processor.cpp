#include "services/mwl/mpps_processor.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <vector>

#include "common/dicom/dataset_codec.h"
#include "common/dicom/dimse_status.h"
#include "common/dicom/element_text.h"
#include "services/mwl/worklist_item.h"

namespace gateway::mwl {
namespace {

namespace st = dicom::status;

MppsOutcome failure(std::uint16_t status, std::string comment,
                    std::vector<DcmTagKey> offending = {}) {
  MppsOutcome outcome;
  outcome.status = status;
  outcome.comment = std::move(comment);
  outcome.offending = std::move(offending);
  return outcome;
}

bool isStepStatus(const std::string& s) {
  return s == kInProgress || s == kCompleted || s == kDiscontinued;
}

// "code^meaning" of the first Discontinuation Reason Code Sequence item, if any.
std::string discontinuationReason(DcmItem& dataset) {
  DcmItem* reason = nullptr;
  if (dataset
          .findAndGetSequenceItem(DCM_PerformedProcedureStepDiscontinuationReasonCodeSequence,
                                  reason, 0)
          .bad() ||
      reason == nullptr) {
    return {};
  }
  const std::string code = dicom::elementText(*reason, DCM_CodeValue);
  const std::string meaning = dicom::elementText(*reason, DCM_CodeMeaning);
  return meaning.empty() ? code : code + "^" + meaning;
}

// The first Scheduled Step Attributes Sequence item that names an accession number.
struct ScheduledRef {
  std::string accession;
  std::string step_id;
  std::string study_uid;
};
ScheduledRef scheduledRef(DcmItem& dataset) {
  ScheduledRef ref;
  DcmSequenceOfItems* seq = nullptr;
  if (dataset.findAndGetSequence(DCM_ScheduledStepAttributesSequence, seq).bad() ||
      seq == nullptr) {
    return ref;
  }
  for (unsigned long i = 0; i < seq->card(); ++i) {
    DcmItem* item = seq->getItem(i);
    if (ref.study_uid.empty()) ref.study_uid = dicom::elementText(*item, DCM_StudyInstanceUID);
    if (ref.step_id.empty()) ref.step_id = dicom::elementText(*item, DCM_ScheduledProcedureStepID);
    const std::string accession = dicom::elementText(*item, DCM_AccessionNumber);
    if (!accession.empty()) {
      ref.accession = accession;
      ref.step_id = dicom::elementText(*item, DCM_ScheduledProcedureStepID);
      ref.study_uid = dicom::elementText(*item, DCM_StudyInstanceUID);
      break;
    }
  }
  return ref;
}

}  // namespace

MppsProcessor::MppsProcessor(WorklistStore& store, const WorklistLifecycle& lifecycle)
    : store_(store), lifecycle_(lifecycle) {}

MppsOutcome MppsProcessor::create(const std::string& uid, DcmDataset& attributes,
                                  const std::string& calling_aet) {
  // Type 1 attributes of an N-CREATE (PS3.4 F.7.2.1.1) that the life cycle depends on.
  static const DcmTagKey kRequired[] = {DCM_PerformedProcedureStepStatus,
                                        DCM_ScheduledStepAttributesSequence,
                                        DCM_PerformedProcedureStepID,
                                        DCM_PerformedStationAETitle,
                                        DCM_PerformedProcedureStepStartDate,
                                        DCM_PerformedProcedureStepStartTime,
                                        DCM_Modality};
  std::vector<DcmTagKey> missing;
  std::string names;
  for (const auto& tag : kRequired) {
    const bool present = tag == DCM_ScheduledStepAttributesSequence
                             ? attributes.tagExists(tag)
                             : !dicom::elementText(attributes, tag).empty();
    if (!present) {
      missing.push_back(tag);
      names += (names.empty() ? "" : ", ") + std::string(DcmTag(tag).getTagName());
    }
  }
  if (!missing.empty()) return failure(st::kMissingAttribute, "missing " + names, missing);
  const std::string status = dicom::elementText(attributes, DCM_PerformedProcedureStepStatus);
  if (status != kInProgress) {
    return failure(st::kInvalidAttributeValue,
                   "N-CREATE status must be IN PROGRESS, not '" + status + "'",
                   {DCM_PerformedProcedureStepStatus});
  }

  const ScheduledRef ref = scheduledRef(attributes);
  PerformedStep step;
  step.sop_instance_uid = uid;
  step.status = kInProgress;
  step.accession_number = ref.accession;
  step.scheduled_step_id = ref.step_id;
  step.study_instance_uid = ref.study_uid;
  step.patient_id = dicom::elementText(attributes, DCM_PatientID);
  step.performed_station_aet = dicom::elementText(attributes, DCM_PerformedStationAETitle);
  step.performed_step_id = dicom::elementText(attributes, DCM_PerformedProcedureStepID);
  step.start_date = dicom::elementText(attributes, DCM_PerformedProcedureStepStartDate);
  step.start_time = dicom::elementText(attributes, DCM_PerformedProcedureStepStartTime);
  step.calling_aet = calling_aet;
  step.attributes = dicom::encodeDataset(attributes);

  auto transaction = store_.beginWrite();
  if (transaction.findStep(uid)) {
    return failure(st::kDuplicateSopInstance, "MPPS instance " + uid + " already exists");
  }
  // Link: the accession number first; without one, the only open item for this patient on
  // the step's start date.
  if (!ref.accession.empty()) {
    if (transaction.itemStatus(ref.accession)) {
      step.linked_accession = ref.accession;
      step.link_rule = "accession";
    }
  } else if (!step.patient_id.empty() && !step.start_date.empty()) {
    CandidateFilter open;
    open.patient_id = step.patient_id;
    open.date_from = step.start_date;
    open.date_to = step.start_date;
    open.statuses = {kScheduled, kInProgress};
    const auto found = transaction.candidates(open);
    if (found.size() == 1) {
      step.linked_accession = found[0].accession_number;
      step.link_rule = "patient+date";
    }
  }
  if (step.link_rule.empty()) step.link_rule = "none";
  transaction.insertStep(step);

  MppsOutcome outcome;
  outcome.step_status = step.status;
  outcome.linked_accession = step.linked_accession;
  outcome.link_rule = step.link_rule;
  if (!step.linked_accession.empty()) {
    outcome.transition = lifecycle_.advance(transaction, step.linked_accession, kInProgress,
                                            "MPPS N-CREATE " + uid + " from " + calling_aet, uid);
  }
  transaction.commit();
  outcome.attributes = std::make_unique<DcmDataset>(attributes);
  return outcome;
}

MppsOutcome MppsProcessor::set(const std::string& uid, DcmDataset& modifications,
                               const std::string& calling_aet) {
  const std::string new_status =
      dicom::elementText(modifications, DCM_PerformedProcedureStepStatus);
  if (modifications.tagExists(DCM_PerformedProcedureStepStatus) && !isStepStatus(new_status)) {
    return failure(st::kInvalidAttributeValue,
                   "'" + new_status + "' is not IN PROGRESS, COMPLETED or DISCONTINUED",
                   {DCM_PerformedProcedureStepStatus});
  }
  auto transaction = store_.beginWrite();
  auto step = transaction.findStep(uid);
  if (!step) return failure(st::kNoSuchObjectInstance, "no MPPS instance " + uid);
  if (isFinalStatus(step->status)) {
    return failure(st::kProcessingFailure, "performed procedure step is already " + step->status);
  }

  // The modification list replaces the attributes it names; the rest of the step stays.
  auto stored = dicom::decodeDataset(step->attributes);
  for (unsigned long i = 0; i < modifications.card(); ++i) {
    DcmElement* element = modifications.getElement(i);
    stored->findAndDeleteElement(element->getTag());
    stored->insert(OFstatic_cast(DcmElement*, element->clone()), OFTrue);
  }
  if (!new_status.empty()) step->status = new_status;
  step->end_date = dicom::elementText(*stored, DCM_PerformedProcedureStepEndDate);
  step->end_time = dicom::elementText(*stored, DCM_PerformedProcedureStepEndTime);
  step->discontinuation_reason = discontinuationReason(*stored);
  step->attributes = dicom::encodeDataset(*stored);
  transaction.updateStep(*step);

  MppsOutcome outcome;
  outcome.step_status = step->status;
  outcome.linked_accession = step->linked_accession;
  if (!step->linked_accession.empty() && isFinalStatus(step->status)) {
    outcome.transition =
        lifecycle_.advance(transaction, step->linked_accession, step->status,
                           "MPPS N-SET " + step->status + " " + uid + " from " + calling_aet, uid);
  }
  transaction.commit();
  outcome.attributes = std::make_unique<DcmDataset>(modifications);
  return outcome;
}

}  // namespace gateway::mwl
