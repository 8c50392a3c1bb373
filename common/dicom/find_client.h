#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/dicom/tls_client.h"

namespace gateway::dicom {

struct FindResult {
  bool ok = false;  // the exchange completed with a final success status
  std::uint16_t final_status = 0xffff;
  std::vector<std::unique_ptr<DcmDataset>> matches;  // pending responses' identifiers
  std::string error;
  long long milliseconds = 0;
};

// One association (DICOM TLS when `tls` is given), one C-FIND with `query` under
// `sop_class`, release. Used by `healthcheck` (a real worklist query) and by tests.
FindResult sendFind(const std::string& host, std::uint16_t port, const std::string& calling_aet,
                    const std::string& called_aet, const std::string& sop_class, DcmDataset& query,
                    std::chrono::seconds timeout, const TlsClientSettings* tls = nullptr);

}  // namespace gateway::dicom
