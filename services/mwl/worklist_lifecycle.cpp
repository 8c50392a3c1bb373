#include "services/mwl/worklist_lifecycle.h"

#include <SQLiteCpp/Statement.h>

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

TransitionResult applyTransition(SQLite::Database& db, const std::string& accession,
                                 const std::string& to_status, const std::string& cause,
                                 const std::string& mpps_instance_uid) {
  SQLite::Statement read(db, "SELECT status FROM worklist_items WHERE accession_number = ?");
  read.bind(1, accession);
  if (!read.executeStep()) return TransitionResult::kNoItem;
  const std::string from = read.getColumn(0).getString();
  read.reset();
  if (!mpps_instance_uid.empty()) {
    SQLite::Statement link(db,
                           "UPDATE worklist_items SET mpps_instance_uid = ?, "
                           "updated_at = CURRENT_TIMESTAMP WHERE accession_number = ?");
    link.bind(1, mpps_instance_uid);
    link.bind(2, accession);
    link.exec();
  }
  if (!canTransition(from, to_status)) return TransitionResult::kUnchanged;
  SQLite::Statement update(db,
                           "UPDATE worklist_items SET status = ?, updated_at = CURRENT_TIMESTAMP "
                           "WHERE accession_number = ?");
  update.bind(1, to_status);
  update.bind(2, accession);
  update.exec();
  SQLite::Statement history(db,
                            "INSERT INTO worklist_status_history (accession_number, from_status, "
                            "to_status, cause) VALUES (?, ?, ?, ?)");
  history.bind(1, accession);
  history.bind(2, from);
  history.bind(3, to_status);
  history.bind(4, cause);
  history.exec();
  return TransitionResult::kChanged;
}

}  // namespace gateway::mwl
