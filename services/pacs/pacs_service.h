#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "common/config/gateway_config.h"
#include "common/dicom/service_ports.h"
#include "services/pacs/commitment_service.h"
#include "services/pacs/commitment_store.h"
#include "services/pacs/file_store.h"
#include "services/pacs/forwarder.h"
#include "services/pacs/instance_archiver.h"
#include "services/pacs/instance_index.h"
#include "services/pacs/retention.h"
#include "services/pacs/storage_reconciler.h"
#include "services/pacs/storage_scp.h"

namespace gateway::pacs {

// The whole storage service, wired: file store, index, archiver, SCP and its server.
// The supervisor runs one; integration tests run one in-process on an ephemeral port.
class PacsService {
 public:
  // Opens the index and reconciles storage with it (before any port opens). Throws
  // std::runtime_error with a clear message on failure. `port_override` = 0 binds an
  // ephemeral port (tests; a configured TLS port then binds one too); otherwise
  // config.pacs.port and config.pacs.tls_port.
  // `resolve_ae` says where to call a remote AE (commitment reports on a new association);
  // without it such reports are refused.
  explicit PacsService(const config::GatewayConfig& config,
                       std::optional<std::uint16_t> port_override = std::nullopt,
                       InstanceObserver* observer = nullptr,
                       CommitmentService::Resolver resolve_ae = {},
                       dicom::ServiceObserver* service_observer = nullptr);
  ~PacsService();

  // Store-and-forward and retention (ADR 0019). Before start(): tests replace the senders
  // (a fake destination) or the disk probe (a disk that seems full). Defaults: the
  // configured destinations, statvfs.
  void setForwardSenders(ForwardSenderFactory senders);
  void setDiskProbe(DiskProbe probe);
  void setForwarderOptions(const ForwarderOptions& options);

  void start();  // binds and starts serving; throws if the port cannot be bound
  void stop(std::chrono::seconds grace);
  std::uint16_t port() const { return ports_->port(); }        // 0: no plain port
  std::uint16_t tlsPort() const { return ports_->tlsPort(); }  // 0: no TLS port
  int activeAssociations() const { return ports_->activeAssociations(); }
  const ReconcileReport& reconcileReport() const { return reconcile_report_; }
  InstanceIndex& index() { return *index_; }
  CommitmentStore& commitments() { return *commitments_; }
  FileStore& store() { return store_; }
  InstanceArchiver& archiver() { return *archiver_; }
  Forwarder* forwarder() { return forwarder_.get(); }  // null: no destinations
  // One retention pass now (also what the periodic pass runs).
  RetentionReport applyRetentionNow();

 private:
  const config::GatewayConfig& config_;
  FileStore store_;
  std::unique_ptr<InstanceIndex> index_;
  ReconcileReport reconcile_report_;
  std::unique_ptr<InstanceArchiver> archiver_;
  std::unique_ptr<CommitmentStore> commitments_;
  std::unique_ptr<CommitmentService> commitment_;
  std::unique_ptr<StorageScp> scp_;
  std::unique_ptr<dicom::ServicePorts> ports_;

  void retentionLoop();
  ForwardSenderFactory senders_;
  ForwarderOptions forwarder_options_;
  DiskProbe disk_probe_;
  std::unique_ptr<Forwarder> forwarder_;
  std::mutex retention_mutex_;
  std::condition_variable retention_wakeup_;
  bool retention_stopping_ = false;
  bool stopped_ = false;
  std::thread retention_thread_;
};

}  // namespace gateway::pacs
