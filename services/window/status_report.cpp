#include "services/window/status_report.h"

#include <ctime>

#include "services/window/site_time.h"

namespace gateway::window {

bool WorklistRow::incomplete() const { return item.status == mwl::kCompleted && !views.complete(); }

StatusSource::StatusSource(mwl::WorklistStore& worklist, pacs::InstanceIndex& index,
                           std::filesystem::path storage_path, const ServiceMetrics* metrics)
    : worklist_(worklist),
      index_(index),
      storage_path_(std::move(storage_path)),
      metrics_(metrics) {}

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
