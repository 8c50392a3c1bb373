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
  dicom::ServerOptions options;
  options.name = "mwl";
  options.aet = config.mwl.aet;
  options.bind_address = config.network.bind_address;
  options.port = port_override.value_or(config.mwl.port);
  options.network = config.network;
  options.limits = dicom::datasetLimits(config);
  options.observer = service_observer;
  server_ = std::make_unique<dicom::DicomServer>(options, *scp_, *logging::mwl());
}

MwlService::~MwlService() = default;

void MwlService::start() {
  server_->bind();
  server_->start();
}

void MwlService::stop(std::chrono::seconds grace) { server_->stop(grace); }

}  // namespace gateway::mwl
