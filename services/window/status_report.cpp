#include "services/window/status_report.h"

#include <algorithm>
#include <ctime>
#include <map>

#include "services/window/site_time.h"

namespace gateway::window {

bool WorklistRow::incomplete() const { return item.status == mwl::kCompleted && !views.complete(); }

std::unique_ptr<pacs::ForwardQueue> forwardQueueFor(const config::GatewayConfig& config) {
  if (config.forward.destinations.empty()) return nullptr;
  return std::make_unique<pacs::ForwardQueue>(config.pacs.db_path);
}

ForwardingSource forwardingSourceFor(const config::GatewayConfig& config,
                                     pacs::ForwardQueue* queue) {
  ForwardingSource source;
  source.queue = queue;
  for (const auto& d : config.forward.destinations) source.destinations.push_back(d.name);
  return source;
}

StatusSource::StatusSource(mwl::WorklistStore& worklist, pacs::InstanceIndex& index,
                           std::filesystem::path storage_path, const ServiceMetrics* metrics,
                           ForwardingSource forwarding)
    : worklist_(worklist),
      index_(index),
      storage_path_(std::move(storage_path)),
      metrics_(metrics),
      forwarding_(std::move(forwarding)) {}

WorklistRow StatusSource::row(mwl::WorklistItem item) {
  WorklistRow row;
  row.images = index_.findByAccession(item.accession_number);
  row.views = summarizeViews(row.images);
  row.item = std::move(item);
  return row;
}

std::vector<WorklistRow> StatusSource::worklist(const std::string& date,
                                                const std::vector<std::string>& statuses) {
  mwl::ListFilter filter;
  filter.date_from = date;
  filter.date_to = date;
  filter.statuses = statuses;
  std::vector<WorklistRow> rows;
  for (auto& item : worklist_.list(filter)) rows.push_back(row(std::move(item)));
  return rows;
}

std::optional<WorklistRow> StatusSource::item(const std::string& accession) {
  auto item = worklist_.find(accession);
  if (!item) return std::nullopt;
  return row(std::move(*item));
}

std::vector<pacs::StoredInstance> StatusSource::unlinked(const std::string& date) {
  const UtcRange range = utcRangeOfLocalDay(date);
  std::vector<pacs::StoredInstance> out;
  for (auto& instance : index_.unlinkedBetween(range.from, range.to)) {
    // Not linked when stored, but its appointment may have been booked since.
    const auto& accession = instance.metadata.accession_number;
    if (!accession.empty() && worklist_.itemStatus(accession)) continue;
    out.push_back(std::move(instance));
  }
  return out;
}

StorageState StatusSource::storage() {
  StorageState state;
  state.store_bytes = static_cast<std::uint64_t>(index_.storedBytes());
  state.disk = diskSpace(storage_path_);
  state.purged_instances = index_.purgedCount();
  if (forwarding_.queue != nullptr) {
    std::map<std::string, pacs::DestinationBacklog> rows;
    for (auto& b : forwarding_.queue->backlog()) rows[b.destination] = std::move(b);
    auto add = [&](pacs::DestinationBacklog backlog) {
      ForwardingState f;
      f.backlog = std::move(backlog);
      f.oldest_unsent_age_s = secondsSinceUtc(f.backlog.oldest_unsent_queued_at);
      state.forwarding.push_back(std::move(f));
    };
    for (const auto& name : forwarding_.destinations) {
      pacs::DestinationBacklog backlog;
      backlog.destination = name;
      if (const auto it = rows.find(name); it != rows.end()) {
        backlog = std::move(it->second);
        rows.erase(it);
      }
      add(std::move(backlog));
    }
    for (auto& [name, backlog] : rows) add(std::move(backlog));  // no longer configured
  }
  return state;
}

StatusReport StatusSource::report(const std::string& date) {
  StatusReport report;
  const std::time_t now = std::time(nullptr);
  report.today = localDate(now);
  report.date = date.empty() ? report.today : date;
  report.generated_at = localIso(now);
  std::tm tm{};
  localtime_r(&now, &tm);
  char zone[16];
  std::strftime(zone, sizeof(zone), "%Z", &tm);
  report.timezone = zone;
  report.worklist = worklist(report.date, {});
  report.unlinked = unlinked(report.date);
  report.storage = storage();
  if (metrics_ != nullptr) report.services = metrics_->snapshot();
  return report;
}

}  // namespace gateway::window
