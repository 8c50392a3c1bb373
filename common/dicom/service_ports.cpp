#include "common/dicom/service_ports.h"

#include <thread>

namespace gateway::dicom {

ServicePorts::ServicePorts(const config::GatewayConfig& config, ServicePortsSpec spec,
                           DicomService& service, spdlog::logger& logger,
                           std::optional<std::uint16_t> port_override) {
  ServerOptions options;
  options.name = spec.name;
  options.aet = spec.aet;
  options.bind_address = config.network.bind_address;
  options.network = config.network;
  options.limits = datasetLimits(config);
  options.access = spec.access;
  options.aet_aliases = spec.aet_aliases;
  options.known_aes = std::make_shared<RemoteAeTable>(config.known_aes);
  options.observer = spec.observer;
  if (port_override || spec.port != 0) {
    options.port = port_override.value_or(spec.port);
    plain_ = std::make_unique<DicomServer>(options, service, logger);
  }
  if (spec.tls_port != 0) {
    options.name = spec.name + "-tls";
    options.port = port_override ? 0 : spec.tls_port;
    options.tls = config.tls;
    tls_ = std::make_unique<DicomServer>(options, service, logger);
  }
}

ServicePorts::~ServicePorts() = default;

void ServicePorts::bind() {
  if (plain_) plain_->bind();
  if (tls_) tls_->bind();
  bound_ = true;
}

void ServicePorts::start() {
  if (!bound_) bind();
  if (plain_) plain_->start();
  if (tls_) tls_->start();
}

void ServicePorts::stop(std::chrono::seconds grace) {
  if (plain_ && tls_) {
    std::thread tls_stopper([&] { tls_->stop(grace); });
    plain_->stop(grace);
    tls_stopper.join();
    return;
  }
  if (plain_) plain_->stop(grace);
  if (tls_) tls_->stop(grace);
}

int ServicePorts::activeAssociations() const {
  return (plain_ ? plain_->activeAssociations() : 0) + (tls_ ? tls_->activeAssociations() : 0);
}

}  // namespace gateway::dicom
