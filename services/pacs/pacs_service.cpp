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
  dicom::ServerOptions options;
  options.name = "pacs";
  options.aet = config.pacs.aet;
  options.bind_address = config.network.bind_address;
  options.port = port_override.value_or(config.pacs.port);
  options.network = config.network;
  options.limits = dicom::datasetLimits(config);
  options.observer = service_observer;
  server_ = std::make_unique<dicom::DicomServer>(options, *scp_, *logging::pacs());
}

PacsService::~PacsService() = default;

void PacsService::start() {
  server_->bind();
  commitment_->start();
  server_->start();
}

void PacsService::stop(std::chrono::seconds grace) {
  server_->stop(grace);
  commitment_->stop();
}

}  // namespace gateway::pacs
