#include "services/mwl/mwl_service.h"

#include "common/logging/logging.h"

namespace gateway::mwl {

MwlService::MwlService(const config::GatewayConfig& config,
                       std::optional<std::uint16_t> port_override,
                       dicom::ServiceObserver* service_observer)
    : store_(std::make_unique<WorklistStore>(config.mwl.db_path)),
      lifecycle_(std::make_unique<WorklistLifecycle>(*store_)),
      mpps_(std::make_unique<MppsProcessor>(*store_, *lifecycle_)),
      scp_(std::make_unique<MwlScp>(config.mwl, *store_, *mpps_)) {
  dicom::ServicePortsSpec spec = dicom::portsOf("mwl", config.mwl);
  spec.observer = service_observer;
  ports_ = std::make_unique<dicom::ServicePorts>(config, std::move(spec), *scp_, *logging::mwl(),
                                                 port_override);
}

MwlService::~MwlService() = default;

void MwlService::start() { ports_->start(); }

void MwlService::stop(std::chrono::seconds grace) { ports_->stop(grace); }

}  // namespace gateway::mwl
