#pragma once

#include <dcmtk/dcmnet/scu.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/config/gateway_config.h"
#include "services/mwl/mwl_service.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {

// The real worklist service in-process on an ephemeral port over a temp SQLite file.
class MwlHarness {
 public:
  explicit MwlHarness(const std::function<void(config::GatewayConfig&)>& adjust = {});
  ~MwlHarness();
  std::uint16_t port() const { return service_->port(); }
  std::uint16_t tlsPort() const { return service_->tlsPort(); }  // with config.mwl.tls_port
  mwl::WorklistStore& store() { return service_->store(); }
  mwl::WorklistLifecycle& lifecycle() { return service_->lifecycle(); }
  // Validates (filling generated values) and adds through the feed; fails the test on
  // invalid items.
  void add(mwl::WorklistItem item);

 private:
  TempDir dir_;
  config::GatewayConfig config_;
  std::unique_ptr<mwl::MwlService> service_;
};

// A screening appointment with sensible defaults.
mwl::WorklistItem appointment(const std::string& accession, const std::string& date = "20261128",
                              const std::string& time = "093000");

struct FindOutcome {
  OFCondition condition;
  std::uint16_t final_status = 0xffff;
  std::vector<std::unique_ptr<DcmDataset>> matches;
  std::string error_comment;
};

// A modality's worklist SCU: one association, any number of C-FINDs; can cancel.
class WorklistScu : public DcmSCU {
 public:
  explicit WorklistScu(std::uint16_t port, const std::string& calling_aet = "MAMMO1");
  FindOutcome find(DcmDataset& query, int cancel_after = -1);

 protected:
  OFCondition handleFINDResponse(const T_ASC_PresentationContextID presID, QRResponse* response,
                                 OFBool& waitForNextResponse) override;

 private:
  FindOutcome* outcome_ = nullptr;
  int cancel_after_ = -1;
  int received_ = 0;
};

}  // namespace gateway::test
