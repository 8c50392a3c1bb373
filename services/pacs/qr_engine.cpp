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
      found_.push_back({key, row.metadata.sop_instance_uid});
    }
    return true;
  });
}

std::optional<QrAnswer> QrFindCursor::next() {
  const QrAttribute& unique = uniqueKeyOf(query_.level);
  while (next_ < found_.size()) {
    const Found& entity = found_[next_++];
    std::optional<StoredInstance> row;
    auto take = [&](const StoredInstance& candidate) {
      if (candidate.metadata.*(unique.member) != entity.key ||
          !query_.matches(candidate.metadata)) {
        return true;
      }
      row = candidate;
      return false;
    };
    index_.forEachStored({{{"sop_instance_uid", {entity.first_uid}}}, {}}, take);
    if (!row) {  // changed since the search: the entity's first row that matches now
      InstanceFilter filter = query_.prefilter();
      filter.one_of.push_back({metadataColumn(unique.member), {entity.key}});
      index_.forEachStored(filter, take);
    }
    if (!row) continue;  // no longer stored
    QrAnswer answer;
    answer.row = std::move(*row);
    for (const QrLevel level : query_.aggregate_levels) {
      const std::string& key = answer.row.metadata.*(uniqueKeyOf(level).member);
      answer.related[level] = index_.related(relatedTo(level), key);
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
