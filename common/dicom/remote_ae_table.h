#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/config/known_ae.h"

namespace gateway::dicom {

// The one table of remote AEs the gateway knows (config `known_aes`), for every feature that
// needs to know one: who may associate (access_policy.h), and, for the features that call
// AEs back (storage commitment reports, C-MOVE destinations, forwarding), where they listen.
// Immutable after construction, so any thread may read it. Pure: no sockets.
class RemoteAeTable {
 public:
  RemoteAeTable() = default;
  explicit RemoteAeTable(std::vector<config::KnownAe> entries);

  // The entry of an AE title (exact, case-sensitive, as DICOM compares AE titles after
  // trimming spaces); null when unknown. Its host, port and tls say where to call it.
  const config::KnownAe* find(std::string_view ae_title) const;
  // The entries that list `address` explicitly (an entry without addresses lists none).
  std::vector<const config::KnownAe*> listingAddress(std::string_view address) const;

  bool empty() const { return entries_.empty(); }
  const std::vector<config::KnownAe>& entries() const { return entries_; }

 private:
  std::vector<config::KnownAe> entries_;
};

}  // namespace gateway::dicom
