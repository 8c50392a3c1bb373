#include "common/dicom/remote_ae_table.h"

#include <algorithm>

#include "common/config/value_parsers.h"

namespace gateway::dicom {

RemoteAeTable::RemoteAeTable(std::vector<config::KnownAe> entries) : entries_(std::move(entries)) {}

const config::KnownAe* RemoteAeTable::find(std::string_view ae_title) const {
  const std::string title = config::trim(ae_title);
  if (title.empty()) return nullptr;
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [&](const config::KnownAe& e) { return e.ae_title == title; });
  return it == entries_.end() ? nullptr : &*it;
}

std::vector<const config::KnownAe*> RemoteAeTable::listingAddress(std::string_view address) const {
  std::vector<const config::KnownAe*> out;
  const auto parsed = config::parseIpv4Address(address);
  if (!parsed) return out;
  for (const auto& entry : entries_) {
    if (std::any_of(entry.addresses.begin(), entry.addresses.end(),
                    [&](const config::Ipv4Range& r) { return r.contains(*parsed); })) {
      out.push_back(&entry);
    }
  }
  return out;
}

}  // namespace gateway::dicom
