#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/db/statement_cache.h"
#include "services/mwl/worklist_item.h"
#include "services/mwl/worklist_records.h"

namespace gateway::mwl {

struct CandidateFilter;

// The statements on the worklist tables (worklist_items, performed_procedure_steps,
// worklist_status_history). Internal to the store: only WorklistStore, WorklistTransaction
// and WorklistResetSession include this, each calling it with the connection they hold
// under the store's lock. Everything else asks those for named operations.
namespace worklist_sql {

std::optional<WorklistItem> selectItem(SQLite::Database& db, const std::string& accession);
std::optional<std::string> selectItemStatus(SQLite::Database& db, const std::string& accession);
std::vector<WorklistItem> selectCandidates(SQLite::Database& db, const CandidateFilter& filter);
// The same with the statement kept prepared in `statements` (the C-FIND path: preparing
// cost as much as running the query, ADR 0020).
std::vector<WorklistItem> selectCandidates(db::StatementCache& statements,
                                           const CandidateFilter& filter);
std::int64_t countItems(SQLite::Database& db);
// Throws DuplicateAccessionError when the accession number is stored and not `replace`.
void insertItem(SQLite::Database& db, const WorklistItem& item, bool replace);
bool deleteItem(SQLite::Database& db, const std::string& accession);
void updateItemMpps(SQLite::Database& db, const std::string& accession,
                    const std::string& mpps_instance_uid);
void updateItemStatus(SQLite::Database& db, const std::string& accession,
                      const std::string& status);
void insertStatusChange(SQLite::Database& db, const std::string& accession,
                        const std::string& from_status, const std::string& to_status,
                        const std::string& cause);
std::vector<StatusChange> selectStatusHistory(SQLite::Database& db, const std::string& accession);

std::optional<PerformedStep> selectStep(SQLite::Database& db, const std::string& sop_instance_uid);
void insertStep(SQLite::Database& db, const PerformedStep& step);
void updateStep(SQLite::Database& db, const PerformedStep& step);

ClearedRows deleteAll(SQLite::Database& db);
std::int64_t dataVersion(SQLite::Database& db);

}  // namespace worklist_sql
}  // namespace gateway::mwl
