#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/config/gateway_config.h"
#include "common/dicom/dicom_server.h"

namespace spdlog {
class logger;
}

namespace gateway::dicom {

// What distinguishes one service's ports (the rest comes from the shared configuration).
struct ServicePortsSpec {
  std::string name;  // "pacs", "mwl"
  std::string aet;
  std::uint16_t port = 0;      // plain DICOM; 0: none
  std::uint16_t tls_port = 0;  // DICOM TLS; 0: none
  config::AccessPolicy access = config::AccessPolicy::kOpen;
  std::vector<std::string> aet_aliases;
  // Told of the traffic on every port (the TLS port reports as "<name>-tls"); null: nobody.
  ServiceObserver* observer = nullptr;
};

// The spec of a service from its settings (config::PacsSettings, config::MwlSettings: each
// has aet, port, tls_port, access and aet_aliases).
template <typename Settings>
ServicePortsSpec portsOf(std::string name, const Settings& settings) {
  return {std::move(name),   settings.aet,    settings.port,
          settings.tls_port, settings.access, settings.aet_aliases};
}

// The listening ports of one DICOM service: plain, TLS, or both (so a site can move its
// modalities to TLS one by one), each its own DicomServer over the same DicomService, with
// the same access rules and the one table of known AEs.
class ServicePorts {
 public:
  // `port_override` (tests): the plain port binds it (0: an ephemeral port) even when the
  // configuration has none, and a configured TLS port binds an ephemeral one.
  ServicePorts(const config::GatewayConfig& config, ServicePortsSpec spec, DicomService& service,
               spdlog::logger& logger, std::optional<std::uint16_t> port_override = std::nullopt);
  ~ServicePorts();

  // Binds every port (loading the TLS credentials) before any starts serving; throws
  // std::runtime_error naming the port or the setting.
  void bind();
  void start();  // binds first if bind() was not called
  // Stops every port at once; each gets `grace` for its transfers.
  void stop(std::chrono::seconds grace);

  std::uint16_t port() const { return plain_ ? plain_->port() : 0; }
  std::uint16_t tlsPort() const { return tls_ ? tls_->port() : 0; }
  int activeAssociations() const;

 private:
  std::unique_ptr<DicomServer> plain_;
  std::unique_ptr<DicomServer> tls_;
  bool bound_ = false;
};

}  // namespace gateway::dicom
