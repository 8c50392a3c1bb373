#include "tests/integration/pacs_harness.h"

#include "common/dicom/dcmtk_globals.h"
#include "common/logging/logging.h"

namespace gateway::test {

PacsHarness::PacsHarness(const std::function<void(config::GatewayConfig&)>& adjust,
                         pacs::CommitmentService::Resolver resolve_ae, BeforeStart before_start)
    : resolve_ae_(std::move(resolve_ae)), before_start_(std::move(before_start)) {
  config_.log_level = "info";
  config_.pacs.storage_path = dir_ / "storage";
  config_.pacs.db_path = dir_ / "pacs.db";
  config_.mwl.db_path = dir_ / "worklist.db";
  config_.network.bind_address = "127.0.0.1";
  config_.network.acse_timeout = std::chrono::seconds(5);
  config_.network.shutdown_timeout = std::chrono::seconds(5);
  if (adjust) adjust(config_);
  logging::initLogging(config_.log_level);
  dicom::configureDcmtkGlobals(config_.network);
  std::filesystem::create_directories(config_.pacs.storage_path);
  service_ = std::make_unique<pacs::PacsService>(config_, std::uint16_t{0}, nullptr, resolve_ae_);
  if (before_start_) before_start_(*service_);
  service_->start();
}

PacsHarness::~PacsHarness() { stop(); }

void PacsHarness::stop() {
  if (service_) {
    service_->stop(config_.network.shutdown_timeout);
    service_.reset();
  }
}

void PacsHarness::restart() {
  stop();
  service_ = std::make_unique<pacs::PacsService>(config_, std::uint16_t{0}, nullptr, resolve_ae_);
  if (before_start_) before_start_(*service_);
  service_->start();
}

std::optional<pacs::StoredInstance> PacsHarness::row(const std::string& uid) {
  return service_->index().findByUid(uid);
}

std::int64_t PacsHarness::rowCount() { return service_->index().count(); }

std::size_t PacsHarness::storedFileCount() const {
  std::size_t count = 0;
  pacs::FileStore(config_.pacs.storage_path).forEachFile([&count](const std::string&) { ++count; });
  return count;
}

std::size_t PacsHarness::quarantinedFileCount() const {
  return countFiles(config_.pacs.storage_path / pacs::FileStore::kQuarantineDir);
}

std::size_t PacsHarness::temporaryFileCount() const {
  return countFiles(config_.pacs.storage_path / pacs::FileStore::kIncomingDir);
}

}  // namespace gateway::test
