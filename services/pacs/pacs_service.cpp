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
      reconcile_report_(reconcileStorage(store_, *index_)),
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

PacsService::~PacsService() = default;

void PacsService::start() {
  ports_->bind();
  commitment_->start();
  ports_->start();
}

void PacsService::stop(std::chrono::seconds grace) {
  ports_->stop(grace);
  commitment_->stop();
}

}  // namespace gateway::pacs
