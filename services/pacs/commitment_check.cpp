#include "services/pacs/commitment_check.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include "common/crypto/sha256.h"

namespace gateway::pacs {

CommitmentOutcome verifyCommitment(const std::vector<CommitmentItem>& items, InstanceIndex& index,
                                   FileStore& store) {
  CommitmentOutcome outcome;
  for (const auto& item : items) {
    const auto row = index.findByUid(item.sop_instance_uid);
    if (!row || row->status != "STORED") {
      outcome.failed.push_back({item, kCommitNoSuchObjectInstance,
                                row ? "index row is " + row->status : "not in the index"});
      continue;
    }
    if (row->metadata.sop_class_uid != item.sop_class_uid) {
      outcome.failed.push_back(
          {item, kCommitClassInstanceConflict, "stored as " + row->metadata.sop_class_uid});
      continue;
    }
    const auto hash = crypto::sha256OfFile(store.absolute(row->storage_path));
    if (!hash) {
      index.setStatus(item.sop_instance_uid, "MISSING");
      outcome.failed.push_back({item, kCommitNoSuchObjectInstance, "file missing"});
      continue;
    }
    if (*hash != row->storage_hash) {
      index.setStatus(item.sop_instance_uid, "CORRUPT");
      outcome.failed.push_back(
          {item, kCommitProcessingFailure, "sha256 " + *hash + " != indexed " + row->storage_hash});
      continue;
    }
    outcome.committed.push_back(item);
  }
  return outcome;
}

std::unique_ptr<DcmDataset> commitmentReport(const std::string& transaction_uid,
                                             const CommitmentOutcome& outcome,
                                             const std::string& retrieve_aet) {
  auto report = std::make_unique<DcmDataset>();
  report->putAndInsertString(DCM_TransactionUID, transaction_uid.c_str());
  if (!outcome.committed.empty()) {
    report->putAndInsertString(DCM_RetrieveAETitle, retrieve_aet.c_str());
    long position = 0;
    for (const auto& item : outcome.committed) {
      DcmItem* entry = nullptr;
      report->findOrCreateSequenceItem(DCM_ReferencedSOPSequence, entry, position++);
      entry->putAndInsertString(DCM_ReferencedSOPClassUID, item.sop_class_uid.c_str());
      entry->putAndInsertString(DCM_ReferencedSOPInstanceUID, item.sop_instance_uid.c_str());
    }
  }
  long position = 0;
  for (const auto& failure : outcome.failed) {
    DcmItem* entry = nullptr;
    report->findOrCreateSequenceItem(DCM_FailedSOPSequence, entry, position++);
    entry->putAndInsertString(DCM_ReferencedSOPClassUID, failure.item.sop_class_uid.c_str());
    entry->putAndInsertString(DCM_ReferencedSOPInstanceUID, failure.item.sop_instance_uid.c_str());
    entry->putAndInsertUint16(DCM_FailureReason, failure.reason);
  }
  return report;
}

}  // namespace gateway::pacs
