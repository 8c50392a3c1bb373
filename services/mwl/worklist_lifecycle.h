#pragma once

#include <string>

#include "services/mwl/worklist_store.h"
#include "services/mwl/worklist_transaction.h"

namespace gateway::mwl {

// SCHEDULED -> IN PROGRESS -> COMPLETED | DISCONTINUED. Forward only: a status never goes
// back, and COMPLETED and DISCONTINUED are final.
int statusRank(const std::string& status);
bool isFinalStatus(const std::string& status);
bool canTransition(const std::string& from, const std::string& to);

enum class TransitionResult {
  kChanged,    // the item moved to the new status
  kUnchanged,  // already there, or already further along: nothing to do
  kNoItem,     // no worklist item with that accession number
};
const char* toString(TransitionResult result);

// The one owner of a worklist item's life cycle (ADR 0007): every status change goes
// through advance(), which applies the forward-only rule and writes the history row in the
// same transaction as the change. Its causes are MPPS (MppsProcessor calls advance() inside
// its own transaction) and stored images (imageStored(), called by the PACS link).
// Thread-safe through the store.
class WorklistLifecycle {
 public:
  explicit WorklistLifecycle(WorklistStore& store) : store_(store) {}

  // Moves the item forward to `to_status` and records the change (time, cause) in its
  // history, inside `transaction`. `mpps_instance_uid`, when given, is recorded on the item
  // even if the status does not change (images came first, or the item is final already).
  TransitionResult advance(WorklistTransaction& transaction, const std::string& accession,
                           const std::string& to_status, const std::string& cause,
                           const std::string& mpps_instance_uid = "") const;

  // An image with this accession number was stored: SCHEDULED -> IN PROGRESS.
  TransitionResult imageStored(const std::string& accession, const std::string& sop_instance_uid);
  // Whether a worklist item has this accession number (the PACS then links the image).
  bool knowsAccession(const std::string& accession);

  // The booking system cancelled the appointment: -> DISCONTINUED, the reason recorded in the
  // item's history ("cancelled: <reason>"). kUnchanged when the item is final already. From
  // the next query on, the item is no longer offered to modalities.
  TransitionResult cancel(const std::string& accession, const std::string& reason);

 private:
  WorklistStore& store_;
};

}  // namespace gateway::mwl
