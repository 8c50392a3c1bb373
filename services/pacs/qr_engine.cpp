#include "services/pacs/qr_engine.h"

#include <algorithm>
#include <charconv>
#include <tuple>
#include <unordered_set>

namespace gateway::pacs {
namespace {

RelatedTo relatedTo(QrLevel level) {
  return level == QrLevel::kPatient ? RelatedTo::kPatient
         : level == QrLevel::kStudy ? RelatedTo::kStudy
                                    : RelatedTo::kSeries;
}

// An IS value as a number for ordering; values that are not numbers sort after all numbers.
std::pair<bool, long long> numberOf(const std::string& value) {
  long long n = 0;
  const auto* begin = value.data();
  const auto* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(begin + (value.size() > 0 && value[0] == '+'), end, n);
  if (ec != std::errc() || ptr != end || value.empty()) return {true, 0};
  return {false, n};
}

}  // namespace

QrFindCursor::QrFindCursor(InstanceIndex& index, QrQuery query)
    : index_(index), query_(std::move(query)) {
  auto member = uniqueKeyOf(query_.level).member;
  std::unordered_set<std::string> seen;
  index_.forEachStored(query_.prefilter(), [&](const StoredInstance& row) {
    const std::string& key = row.metadata.*member;
    if (!key.empty() && !seen.count(key) && query_.matches(row.metadata)) {
      seen.insert(key);
      keys_.push_back(key);
    }
    return true;
  });
}

std::optional<QrAnswer> QrFindCursor::next() {
  const QrAttribute& unique = uniqueKeyOf(query_.level);
  while (next_ < keys_.size()) {
    const std::string& key = keys_[next_++];
    InstanceFilter filter = query_.prefilter();
    filter.one_of.push_back({metadataColumn(unique.member), {key}});
    std::optional<StoredInstance> found;
    index_.forEachStored(filter, [&](const StoredInstance& row) {
      if (!query_.matches(row.metadata)) return true;
      found = row;
      return false;
    });
    if (!found) continue;  // no longer stored since the search
    QrAnswer answer;
    answer.row = std::move(*found);
    for (const QrLevel level : query_.aggregate_levels) {
      const std::string& entity = answer.row.metadata.*(uniqueKeyOf(level).member);
      answer.related[level] = index_.related(relatedTo(level), entity);
    }
    if (!query_.aggregate_conditions.empty() &&
        !query_.matchesAggregates(answer.related[QrLevel::kStudy])) {
      continue;
    }
    ++answered_;
    return answer;
  }
  return std::nullopt;
}

std::vector<StoredInstance> instancesToRetrieve(InstanceIndex& index, const QrQuery& query) {
  std::vector<StoredInstance> rows;
  index.forEachStored(query.prefilter(), [&](const StoredInstance& row) {
    if (query.matches(row.metadata)) rows.push_back(row);
    return true;
  });
  auto order = [](const StoredInstance& r) {
    const auto& m = r.metadata;
    return std::make_tuple(std::cref(m.study_date), std::cref(m.study_time),
                           std::cref(m.study_instance_uid), numberOf(m.series_number),
                           std::cref(m.series_instance_uid), numberOf(m.instance_number),
                           std::cref(m.sop_instance_uid));
  };
  std::sort(rows.begin(), rows.end(),
            [&](const StoredInstance& a, const StoredInstance& b) { return order(a) < order(b); });
  return rows;
}

}  // namespace gateway::pacs
