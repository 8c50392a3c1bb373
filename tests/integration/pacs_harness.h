#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/config/gateway_config.h"
#include "services/pacs/pacs_service.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {

// The real storage service, in-process, on an ephemeral port, over a temp folder and a real
// SQLite file. Stops (and joins every thread) on destruction.
class PacsHarness {
 public:
  // Runs on each new service before its start(): the forwarding tests' fake senders, disk
  // probe and forwarder options go in there (PacsService takes them only before start).
  using BeforeStart = std::function<void(pacs::PacsService&)>;

  explicit PacsHarness(const std::function<void(config::GatewayConfig&)>& adjust = {},
                       pacs::CommitmentService::Resolver resolve_ae = {},
                       BeforeStart before_start = {});
  ~PacsHarness();

  std::uint16_t port() const { return service_->port(); }
  std::uint16_t tlsPort() const { return service_->tlsPort(); }  // with config.pacs.tls_port
  pacs::PacsService& service() { return *service_; }
  const config::GatewayConfig& config() const { return config_; }
  const std::filesystem::path& storage() const { return config_.pacs.storage_path; }

  // Stops and starts a new service over the same folder and database (a restart).
  void restart();
  void stop();

  std::optional<pacs::StoredInstance> row(const std::string& sop_instance_uid);
  std::int64_t rowCount();
  std::size_t storedFileCount() const;       // files in the hash tree (as FileStore walks it)
  std::size_t temporaryFileCount() const;    // files in .incoming
  std::size_t quarantinedFileCount() const;  // files in .quarantine

 private:
  TempDir dir_;
  config::GatewayConfig config_;
  pacs::CommitmentService::Resolver resolve_ae_;
  BeforeStart before_start_;
  std::unique_ptr<pacs::PacsService> service_;
};

}  // namespace gateway::test
