#include "services/pacs/pacs_service.h"

#include "common/logging/logging.h"

namespace gateway::pacs {

PacsService::PacsService(const config::GatewayConfig& config,
                         std::optional<std::uint16_t> port_override, InstanceObserver* observer,
                         CommitmentService::Resolver resolve_ae,
                         dicom::ServiceObserver* service_observer)
    : config_(config),
      store_(config.pacs.storage_path),
      index_(std::make_unique<InstanceIndex>(config.pacs.db_path)),
      reconcile_report_(
          reconcileStorage(store_, *index_, ForwardRouting(config.forward.destinations))),
      archiver_(std::make_unique<InstanceArchiver>(store_, *index_, config.pacs.duplicate_policy,
                                                   observer)),
      commitments_(std::make_unique<CommitmentStore>(config.pacs.db_path)),
      commitment_(std::make_unique<CommitmentService>(
          CommitmentService::Options{config.pacs.aet, config.pacs.commitment_report_delay,
                                     config.network.dimse_timeout},
          *index_, store_, *commitments_, resolve_ae)),
      scp_(std::make_unique<StorageScp>(config_.pacs, store_, *archiver_, commitment_.get(),
                                        commitments_.get(), index_.get(), resolve_ae)) {
  scp_->setKnownAes(std::make_shared<const dicom::RemoteAeTable>(config.known_aes));
  dicom::ServicePortsSpec spec = dicom::portsOf("pacs", config.pacs);
  spec.observer = service_observer;
  ports_ = std::make_unique<dicom::ServicePorts>(config, std::move(spec), *scp_, *logging::pacs(),
                                                 port_override);
}

PacsService::~PacsService() { stop(std::chrono::seconds(0)); }

void PacsService::setForwardSenders(ForwardSenderFactory senders) { senders_ = std::move(senders); }

void PacsService::setDiskProbe(DiskProbe probe) { disk_probe_ = std::move(probe); }

void PacsService::setForwarderOptions(const ForwarderOptions& options) {
  forwarder_options_ = options;
}

void PacsService::start() {
  if (!config_.forward.destinations.empty()) {
    if (!senders_) senders_ = configuredSenders(config_);  // throws: a token file is missing
    ForwarderOptions options = forwarder_options_;
    options.storage_root = store_.root();
    options.retry_max_delay = config_.forward.retry_max_delay;
    forwarder_ = std::make_unique<Forwarder>(config_.pacs.db_path, config_.forward.destinations,
                                             options, senders_, &archiver_->receiving());
    Forwarder* forwarder = forwarder_.get();
    archiver_->setForwarding(ForwardRouting(config_.forward.destinations),
                             [forwarder] { forwarder->wake(); });
  }
  ports_->bind();
  commitment_->start();
  ports_->start();
  if (forwarder_) forwarder_->start();
  if (!disk_probe_) disk_probe_ = statvfsProbe();
  if (RetentionPolicy{config_.pacs.retention_days, config_.pacs.min_free_percent}.enabled()) {
    retention_thread_ = std::thread([this] { retentionLoop(); });
  }
}

void PacsService::stop(std::chrono::seconds grace) {
  if (stopped_) return;
  stopped_ = true;
  {
    std::lock_guard lock(retention_mutex_);
    retention_stopping_ = true;
  }
  retention_wakeup_.notify_all();
  if (retention_thread_.joinable()) retention_thread_.join();
  if (ports_) ports_->stop(grace);
  if (commitment_) commitment_->stop();
  // After the ports: nothing new is queued while the workers wind down.
  if (forwarder_) forwarder_->stop();
}

RetentionReport PacsService::applyRetentionNow() {
  const RetentionPolicy policy{config_.pacs.retention_days, config_.pacs.min_free_percent};
  try {
    InstanceArchiver* archiver = archiver_.get();
    return runRetention(*index_, store_, policy, disk_probe_ ? disk_probe_ : statvfsProbe(),
                        [archiver](const std::string& path) { return archiver->lockPath(path); });
  } catch (const std::exception& e) {
    logging::pacs()->error("retention pass failed: {}", e.what());
    return {};
  }
}

void PacsService::retentionLoop() {
  logging::setThreadName("pacs-retention");
  std::unique_lock lock(retention_mutex_);
  while (!retention_stopping_) {
    lock.unlock();
    applyRetentionNow();
    lock.lock();
    retention_wakeup_.wait_for(lock, config_.pacs.retention_interval,
                               [this] { return retention_stopping_; });
  }
}

}  // namespace gateway::pacs
