#pragma once

#include <SQLiteCpp/Database.h>

#include <string>

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

// Moves an item forward and records the change (time, cause) in worklist_status_history.
// Runs inside the caller's transaction; `mpps_instance_uid`, when given, is recorded on
// the item even if the status does not change.
TransitionResult applyTransition(SQLite::Database& db, const std::string& accession,
                                 const std::string& to_status, const std::string& cause,
                                 const std::string& mpps_instance_uid = "");

}  // namespace gateway::mwl
