#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config/gateway_config.h"
#include "services/mwl/worklist_store.h"
#include "services/pacs/forward_queue.h"
#include "services/pacs/instance_index.h"
#include "services/window/health_checks.h"
#include "services/window/service_metrics.h"
#include "services/window/view_summary.h"

namespace gateway::window {

// One appointment with what arrived for it.
struct WorklistRow {
  mwl::WorklistItem item;
  std::vector<pacs::StoredInstance> images;  // by Accession Number, in order of storage
  ViewSummary views;
  // COMPLETED with a standard view missing: the page highlights it.
  bool incomplete() const;
};

// One forwarding destination's queue (ADR 0019), as the operator sees it.
struct ForwardingState {
  pacs::DestinationBacklog backlog;
  long long oldest_unsent_age_s = -1;  // -1: nothing waiting
  long long waiting() const { return backlog.pending + backlog.sending; }
};

struct StorageState {
  std::uint64_t store_bytes = 0;            // of every file still held
  DiskSpace disk;                           // of the storage's file system
  std::vector<ForwardingState> forwarding;  // each configured destination, and any with rows
  std::int64_t purged_instances = 0;        // removed by retention after being forwarded
};

// Where the window reads the forwarding queue: the queue (its own connection to the index)
// and the configured destinations' names (shown even before their first row). No queue: the
// window shows no forwarding.
struct ForwardingSource {
  pacs::ForwardQueue* queue = nullptr;
  std::vector<std::string> destinations;
};

// Everything the status page, GET /api/status and `status` show for one local day.
struct StatusReport {
  std::string date;          // YYYYMMDD shown
  std::string today;         // YYYYMMDD, local
  std::string generated_at;  // local ISO 8601
  std::string timezone;      // the zone's abbreviation now ("GMT", "BST")
  std::vector<WorklistRow> worklist;
  std::vector<pacs::StoredInstance> unlinked;  // stored that day, no or unknown accession
  StorageState storage;
  // The running process's services (absent when the report is built outside `serve`).
  std::optional<MetricsSnapshot> services;
};

// The queue the window reads (its own connection to config.pacs.db_path), when destinations
// are configured; and the source naming them.
std::unique_ptr<pacs::ForwardQueue> forwardQueueFor(const config::GatewayConfig& config);
ForwardingSource forwardingSourceFor(const config::GatewayConfig& config,
                                     pacs::ForwardQueue* queue);

// Reads what a report needs through the stores' named operations (never SQL of its own).
// Thread-safe through the stores.
class StatusSource {
 public:
  StatusSource(mwl::WorklistStore& worklist, pacs::InstanceIndex& index,
               std::filesystem::path storage_path, const ServiceMetrics* metrics,
               ForwardingSource forwarding = {});

  StatusReport report(const std::string& date);
  // The day's items, by scheduled time; `statuses` empty: all.
  std::vector<WorklistRow> worklist(const std::string& date,
                                    const std::vector<std::string>& statuses);
  std::optional<WorklistRow> item(const std::string& accession);
  // Stored that local day and linked to no worklist item that exists now.
  std::vector<pacs::StoredInstance> unlinked(const std::string& date);
  StorageState storage();

  mwl::WorklistStore& worklistStore() { return worklist_; }
  pacs::InstanceIndex& index() { return index_; }

 private:
  WorklistRow row(mwl::WorklistItem item);

  mwl::WorklistStore& worklist_;
  pacs::InstanceIndex& index_;
  std::filesystem::path storage_path_;
  const ServiceMetrics* metrics_;
  ForwardingSource forwarding_;
};

}  // namespace gateway::window
