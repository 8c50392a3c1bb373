#include "services/mwl/mpps_processor.h"

#include <SQLiteCpp/Statement.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <vector>

#include "common/db/database.h"
#include "services/mwl/worklist_item.h"

namespace gateway::mwl {
namespace {

namespace st = mpps_status;

std::string textOf(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).bad()) return {};
  std::string s = value.c_str();
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

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
  const std::string code = textOf(*reason, DCM_CodeValue);
  const std::string meaning = textOf(*reason, DCM_CodeMeaning);
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
    if (ref.study_uid.empty()) ref.study_uid = textOf(*item, DCM_StudyInstanceUID);
    if (ref.step_id.empty()) ref.step_id = textOf(*item, DCM_ScheduledProcedureStepID);
    const std::string accession = textOf(*item, DCM_AccessionNumber);
    if (!accession.empty()) {
      ref.accession = accession;
      ref.step_id = textOf(*item, DCM_ScheduledProcedureStepID);
      ref.study_uid = textOf(*item, DCM_StudyInstanceUID);
      break;
    }
  }
  return ref;
}

}  // namespace

std::string encodeDataset(DcmDataset& dataset) {
  const Uint32 length = dataset.calcElementLength(EXS_LittleEndianExplicit, EET_ExplicitLength);
  std::string bytes(length + 64, '\0');
  DcmOutputBufferStream stream(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  dataset.transferInit();
  const OFCondition cond =
      dataset.write(stream, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr);
  dataset.transferEnd();
  if (cond.bad()) throw std::runtime_error(std::string("cannot encode dataset: ") + cond.text());
  void* buffer = nullptr;
  offile_off_t written = 0;
  stream.flushBuffer(buffer, written);
  bytes.resize(static_cast<std::size_t>(written));
  return bytes;
}

std::unique_ptr<DcmDataset> decodeDataset(const std::string& bytes) {
  auto dataset = std::make_unique<DcmDataset>();
  DcmInputBufferStream stream;
  stream.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  stream.setEos();
  dataset->transferInit();
  const OFCondition cond = dataset->read(stream, EXS_LittleEndianExplicit);
  dataset->transferEnd();
  if (cond.bad()) throw std::runtime_error(std::string("cannot decode dataset: ") + cond.text());
  return dataset;
}

MppsProcessor::MppsProcessor(WorklistStore& store) : store_(store) {}

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
                             : !textOf(attributes, tag).empty();
    if (!present) {
      missing.push_back(tag);
      names += (names.empty() ? "" : ", ") + std::string(DcmTag(tag).getTagName());
    }
  }
  if (!missing.empty()) return failure(st::kMissingAttribute, "missing " + names, missing);
  const std::string status = textOf(attributes, DCM_PerformedProcedureStepStatus);
  if (status != kInProgress) {
    return failure(st::kInvalidAttributeValue,
                   "N-CREATE status must be IN PROGRESS, not '" + status + "'",
                   {DCM_PerformedProcedureStepStatus});
  }

  const ScheduledRef ref = scheduledRef(attributes);
  const std::string patient_id = textOf(attributes, DCM_PatientID);
  const std::string start_date = textOf(attributes, DCM_PerformedProcedureStepStartDate);
  const std::string bytes = encodeDataset(attributes);

  MppsOutcome outcome;
  outcome.step_status = kInProgress;
  std::lock_guard lock(store_.mutex());
  SQLite::Database& db = store_.database();
  auto transaction = db::beginImmediate(db);
  {
    SQLite::Statement exists(db,
                             "SELECT 1 FROM performed_procedure_steps WHERE sop_instance_uid = ?");
    exists.bind(1, uid);
    if (exists.executeStep()) {
      return failure(st::kDuplicateSopInstance, "MPPS instance " + uid + " already exists");
    }
  }
  // Link: the accession number first; without one, the only open item for this patient on
  // the step's start date.
  if (!ref.accession.empty()) {
    SQLite::Statement item(db, "SELECT 1 FROM worklist_items WHERE accession_number = ?");
    item.bind(1, ref.accession);
    if (item.executeStep()) {
      outcome.linked_accession = ref.accession;
      outcome.link_rule = "accession";
    }
  } else if (!patient_id.empty() && !start_date.empty()) {
    SQLite::Statement item(db,
                           "SELECT accession_number FROM worklist_items WHERE patient_id = ? AND "
                           "scheduled_date = ? AND status IN ('SCHEDULED', 'IN PROGRESS')");
    item.bind(1, patient_id);
    item.bind(2, start_date);
    std::vector<std::string> found;
    while (item.executeStep()) found.push_back(item.getColumn(0).getString());
    if (found.size() == 1) {
      outcome.linked_accession = found[0];
      outcome.link_rule = "patient+date";
    }
  }
  if (outcome.link_rule.empty()) outcome.link_rule = "none";

  SQLite::Statement insert(
      db,
      "INSERT INTO performed_procedure_steps (sop_instance_uid, status, accession_number, "
      "scheduled_step_id, study_instance_uid, patient_id, performed_station_aet, "
      "performed_step_id, start_date, start_time, calling_aet, linked_accession, link_rule, "
      "attributes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  insert.bind(1, uid);
  insert.bind(2, std::string(kInProgress));
  insert.bind(3, ref.accession);
  insert.bind(4, ref.step_id);
  insert.bind(5, ref.study_uid);
  insert.bind(6, patient_id);
  insert.bind(7, textOf(attributes, DCM_PerformedStationAETitle));
  insert.bind(8, textOf(attributes, DCM_PerformedProcedureStepID));
  insert.bind(9, start_date);
  insert.bind(10, textOf(attributes, DCM_PerformedProcedureStepStartTime));
  insert.bind(11, calling_aet);
  if (outcome.linked_accession.empty()) {
    insert.bind(12);
  } else {
    insert.bind(12, outcome.linked_accession);
  }
  insert.bind(13, outcome.link_rule);
  insert.bind(14, bytes.data(), static_cast<int>(bytes.size()));
  insert.exec();
  if (!outcome.linked_accession.empty()) {
    outcome.transition = applyTransition(db, outcome.linked_accession, kInProgress,
                                         "MPPS N-CREATE " + uid + " from " + calling_aet, uid);
  }
  transaction.commit();
  outcome.attributes = std::make_unique<DcmDataset>(attributes);
  return outcome;
}

MppsOutcome MppsProcessor::set(const std::string& uid, DcmDataset& modifications,
                               const std::string& calling_aet) {
  const std::string new_status = textOf(modifications, DCM_PerformedProcedureStepStatus);
  if (modifications.tagExists(DCM_PerformedProcedureStepStatus) && !isStepStatus(new_status)) {
    return failure(st::kInvalidAttributeValue,
                   "'" + new_status + "' is not IN PROGRESS, COMPLETED or DISCONTINUED",
                   {DCM_PerformedProcedureStepStatus});
  }
  std::lock_guard lock(store_.mutex());
  SQLite::Database& db = store_.database();
  auto transaction = db::beginImmediate(db);
  SQLite::Statement read(db,
                         "SELECT status, attributes, linked_accession FROM "
                         "performed_procedure_steps WHERE sop_instance_uid = ?");
  read.bind(1, uid);
  if (!read.executeStep()) {
    return failure(st::kNoSuchObjectInstance, "no MPPS instance " + uid);
  }
  const std::string old_status = read.getColumn(0).getString();
  const auto blob = read.getColumn(1);
  const std::string bytes(static_cast<const char*>(blob.getBlob()),
                          static_cast<std::size_t>(blob.getBytes()));
  const std::string linked = read.isColumnNull(2) ? std::string() : read.getColumn(2).getString();
  read.reset();
  if (isFinalStatus(old_status)) {
    return failure(st::kProcessingFailure, "performed procedure step is already " + old_status);
  }

  auto stored = decodeDataset(bytes);
  for (unsigned long i = 0; i < modifications.card(); ++i) {
    DcmElement* element = modifications.getElement(i);
    stored->findAndDeleteElement(element->getTag());
    stored->insert(OFstatic_cast(DcmElement*, element->clone()), OFTrue);
  }
  const std::string status = new_status.empty() ? old_status : new_status;
  const std::string updated = encodeDataset(*stored);
  SQLite::Statement update(
      db,
      "UPDATE performed_procedure_steps SET status = ?, end_date = ?, end_time = ?, "
      "discontinuation_reason = ?, attributes = ?, updated_at = CURRENT_TIMESTAMP "
      "WHERE sop_instance_uid = ?");
  update.bind(1, status);
  update.bind(2, textOf(*stored, DCM_PerformedProcedureStepEndDate));
  update.bind(3, textOf(*stored, DCM_PerformedProcedureStepEndTime));
  update.bind(4, discontinuationReason(*stored));
  update.bind(5, updated.data(), static_cast<int>(updated.size()));
  update.bind(6, uid);
  update.exec();

  MppsOutcome outcome;
  outcome.step_status = status;
  outcome.linked_accession = linked;
  if (!linked.empty() && isFinalStatus(status)) {
    outcome.transition = applyTransition(
        db, linked, status, "MPPS N-SET " + status + " " + uid + " from " + calling_aet, uid);
  }
  transaction.commit();
  outcome.attributes = std::make_unique<DcmDataset>(modifications);
  return outcome;
}

TransitionResult MppsProcessor::imageStored(const std::string& accession,
                                            const std::string& sop_instance_uid) {
  std::lock_guard lock(store_.mutex());
  SQLite::Database& db = store_.database();
  {
    // Most images belong to an item already in progress: read before taking the write lock.
    SQLite::Statement read(db, "SELECT status FROM worklist_items WHERE accession_number = ?");
    read.bind(1, accession);
    if (!read.executeStep()) return TransitionResult::kNoItem;
    if (read.getColumn(0).getString() != kScheduled) return TransitionResult::kUnchanged;
  }
  auto transaction = db::beginImmediate(db);
  const auto result =
      applyTransition(db, accession, kInProgress, "image stored " + sop_instance_uid);
  transaction.commit();
  return result;
}

bool MppsProcessor::hasItem(const std::string& accession) {
  std::lock_guard lock(store_.mutex());
  SQLite::Statement read(store_.database(),
                         "SELECT 1 FROM worklist_items WHERE accession_number = ?");
  read.bind(1, accession);
  return read.executeStep();
}

std::string MppsProcessor::stepStatus(const std::string& uid) {
  std::lock_guard lock(store_.mutex());
  SQLite::Statement read(store_.database(),
                         "SELECT status FROM performed_procedure_steps WHERE sop_instance_uid = ?");
  read.bind(1, uid);
  return read.executeStep() ? read.getColumn(0).getString() : std::string();
}

}  // namespace gateway::mwl
