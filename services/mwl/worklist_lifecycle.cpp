#include "services/mwl/worklist_lifecycle.h"

#include "services/mwl/worklist_item.h"

namespace gateway::mwl {

int statusRank(const std::string& status) {
  if (status == kScheduled) return 0;
  if (status == kInProgress) return 1;
  if (status == kCompleted || status == kDiscontinued) return 2;
  return -1;
}

bool isFinalStatus(const std::string& status) { return statusRank(status) == 2; }

bool canTransition(const std::string& from, const std::string& to) {
  const int a = statusRank(from);
  const int b = statusRank(to);
  return a >= 0 && b >= 0 && b > a;
}

const char* toString(TransitionResult result) {
  switch (result) {
    case TransitionResult::kChanged:
      return "changed";
    case TransitionResult::kUnchanged:
      return "unchanged";
    case TransitionResult::kNoItem:
      return "no_item";
  }
  return "unknown";
}

TransitionResult WorklistLifecycle::advance(WorklistTransaction& transaction,
                                            const std::string& accession,
                                            const std::string& to_status, const std::string& cause,
                                            const std::string& mpps_instance_uid) const {
  const auto from = transaction.itemStatus(accession);
  if (!from) return TransitionResult::kNoItem;
  if (!mpps_instance_uid.empty()) transaction.linkMpps(accession, mpps_instance_uid);
  if (!canTransition(*from, to_status)) return TransitionResult::kUnchanged;
  transaction.recordStatusChange(accession, *from, to_status, cause);
  return TransitionResult::kChanged;
}

TransitionResult WorklistLifecycle::imageStored(const std::string& accession,
                                                const std::string& sop_instance_uid) {
  // Most images belong to an item already in progress: one read, no write lock.
  const auto status = store_.itemStatus(accession);
  if (!status) return TransitionResult::kNoItem;
  if (*status != kScheduled) return TransitionResult::kUnchanged;
  auto transaction = store_.beginWrite();
  const auto result =
      advance(transaction, accession, kInProgress, "image stored " + sop_instance_uid);
  transaction.commit();
  return result;
}

TransitionResult WorklistLifecycle::cancel(const std::string& accession,
                                           const std::string& reason) {
  auto transaction = store_.beginWrite();
  const auto result = advance(transaction, accession, kDiscontinued, "cancelled: " + reason);
  transaction.commit();
  return result;
}

bool WorklistLifecycle::knowsAccession(const std::string& accession) {
  return store_.itemStatus(accession).has_value();
}

}  // namespace gateway::mwl
