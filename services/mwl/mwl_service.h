#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "common/config/gateway_config.h"
#include "common/dicom/dicom_server.h"
#include "services/mwl/mwl_scp.h"
#include "services/mwl/worklist_store.h"

namespace gateway::mwl {

// The worklist service, wired: store, SCP and its server. The supervisor runs one beside
// the PACS; integration tests run one in-process on an ephemeral port.
class MwlService {
 public:
  explicit MwlService(const config::GatewayConfig& config,
                      std::optional<std::uint16_t> port_override = std::nullopt);
  ~MwlService();

  void start();
  void stop(std::chrono::seconds grace);
  std::uint16_t port() const { return server_->port(); }
  int activeAssociations() const { return server_->activeAssociations(); }
  WorklistStore& store() { return *store_; }
  MppsProcessor& mpps() { return scp_->mpps(); }

 private:
  std::unique_ptr<WorklistStore> store_;
  std::unique_ptr<MwlScp> scp_;
  std::unique_ptr<dicom::DicomServer> server_;
};

}  // namespace gateway::mwl
