#include "services/pacs/pacs_service.h"

#include "common/logging/logging.h"

namespace gateway::pacs {

PacsService::PacsService(const config::GatewayConfig& config,
                         std::optional<std::uint16_t> port_override, InstanceObserver* observer)
    : config_(config),
      store_(config.pacs.storage_path),
      index_(std::make_unique<InstanceIndex>(config.pacs.db_path)),
      reconcile_report_(reconcileStorage(store_, *index_)),
      archiver_(std::make_unique<InstanceArchiver>(store_, *index_, config.pacs.duplicate_policy,
                                                   observer)),
      scp_(std::make_unique<StorageScp>(config_.pacs, store_, *archiver_)) {
  ports_ = std::make_unique<dicom::ServicePorts>(config, dicom::portsOf("pacs", config.pacs), *scp_,
                                                 *logging::pacs(), port_override);
}

PacsService::~PacsService() = default;

void PacsService::start() { ports_->start(); }

void PacsService::stop(std::chrono::seconds grace) { ports_->stop(grace); }

}  // namespace gateway::pacs
