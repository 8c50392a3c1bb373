#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "common/config/gateway_config.h"
#include "common/dicom/service_ports.h"
#include "services/mwl/mpps_processor.h"
#include "services/mwl/mwl_scp.h"
#include "services/mwl/worklist_lifecycle.h"
#include "services/mwl/worklist_store.h"

namespace gateway::mwl {

// The worklist service, wired: the store, the items' life cycle, MPPS, the SCP and its
// server. The supervisor runs one beside the PACS (and hands lifecycle() to the PACS link,
// store() to the daily reset); integration tests run one in-process on an ephemeral port.
class MwlService {
 public:
  explicit MwlService(const config::GatewayConfig& config,
                      std::optional<std::uint16_t> port_override = std::nullopt,
                      dicom::ServiceObserver* service_observer = nullptr);
  ~MwlService();

  void start();
  void stop(std::chrono::seconds grace);
  std::uint16_t port() const { return ports_->port(); }        // 0: no plain port
  std::uint16_t tlsPort() const { return ports_->tlsPort(); }  // 0: no TLS port
  WorklistStore& store() { return *store_; }
  WorklistLifecycle& lifecycle() { return *lifecycle_; }

 private:
  // Declaration order is construction order: each part uses only those above it, and the
  // server (its workers) stops before anything it uses goes away.
  std::unique_ptr<WorklistStore> store_;
  std::unique_ptr<WorklistLifecycle> lifecycle_;
  std::unique_ptr<MppsProcessor> mpps_;
  std::unique_ptr<MwlScp> scp_;
  std::unique_ptr<dicom::ServicePorts> ports_;
};

}  // namespace gateway::mwl
