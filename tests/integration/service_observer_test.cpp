// The DICOM edge tells its observer (ServerOptions::observer) about every association and
// answered request: the feed of the operator's window's counters.
#include "common/dicom/service_observer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/dimse.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/dicom/dcmtk_globals.h"
#include "common/logging/logging.h"
#include "services/pacs/pacs_service.h"
#include "services/window/service_metrics.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/store_client.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {
namespace {

const std::vector<std::string> kUncompressed = {UID_LittleEndianExplicitTransferSyntax,
                                                UID_LittleEndianImplicitTransferSyntax};

class RecordingObserver : public dicom::ServiceObserver {
 public:
  struct Event {
    std::string kind;  // refused, closed, answered
    std::string service;
    std::string calling_aet;
    std::string text;  // reason or outcome
    dicom::AnsweredRequest request;
  };
  void associationRefused(const std::string& service, const dicom::AssociationContext& context,
                          const std::string& reason) override {
    add({"refused", service, context.calling_aet, reason, {}});
  }
  void associationClosed(const std::string& service, const dicom::AssociationContext& context,
                         const std::string& outcome, std::chrono::milliseconds) override {
    add({"closed", service, context.calling_aet, outcome, {}});
  }
  void requestAnswered(const std::string& service, const dicom::AssociationContext& context,
                       const dicom::AnsweredRequest& request) override {
    add({"answered", service, context.calling_aet, {}, request});
  }
  // Waits (bounded) until `count` events have arrived; the edge reports a close after the
  // peer has seen the release, so the client can be ahead of us.
  std::vector<Event> waitFor(std::size_t count) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return events_.size() >= count; });
    return events_;
  }

 private:
  void add(Event event) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(std::move(event));
    }
    cv_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Event> events_;
};

class ObservedPacs : public ::testing::Test {
 protected:
  ObservedPacs() {
    config_.pacs.storage_path = dir_ / "storage";
    config_.pacs.db_path = dir_ / "pacs.db";
    config_.network.bind_address = "127.0.0.1";
    config_.network.acse_timeout = std::chrono::seconds(5);
    logging::initLogging("warn");
    dicom::configureDcmtkGlobals(config_.network);
    std::filesystem::create_directories(config_.pacs.storage_path);
    service_ = std::make_unique<pacs::PacsService>(config_, std::uint16_t{0}, nullptr,
                                                   pacs::CommitmentService::Resolver{}, &observer_);
    service_->start();
  }
  ~ObservedPacs() override { service_->stop(std::chrono::seconds(5)); }

  TempDir dir_;
  config::GatewayConfig config_;
  RecordingObserver observer_;
  std::unique_ptr<pacs::PacsService> service_;
};

TEST_F(ObservedPacs, ReportsEachRequestWithItsStatusAndBytesAndTheAssociationsEnd) {
  TestScu scu(service_->port(), "SCREENING_PACS", "MAMMO_OBS");
  scu.propose({UID_VerificationSOPClass, UID_DigitalMammographyXRayImageStorageForPresentation},
              kUncompressed);
  ASSERT_TRUE(scu.connect().good());
  ASSERT_TRUE(scu.sendECHORequest(0).good());
  ObjectSpec spec;
  auto good = makeObject(spec);
  EXPECT_EQ(scu.store(*good).status, 0x0000);
  auto bad = makeObject(spec);
  bad->findAndDeleteElement(DCM_StudyInstanceUID);
  EXPECT_EQ(scu.store(*bad).status, 0xA900);
  scu.releaseAssociation();

  const auto events = observer_.waitFor(4);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].kind, "answered");
  EXPECT_EQ(events[0].request.command_field, DIMSE_C_ECHO_RQ);
  EXPECT_EQ(events[1].request.command_field, DIMSE_C_STORE_RQ);
  EXPECT_EQ(events[1].request.status, 0x0000);
  EXPECT_GT(events[1].request.bytes, 64u * 64u * 2u);
  EXPECT_EQ(events[1].calling_aet, "MAMMO_OBS");
  EXPECT_EQ(events[1].service, "pacs");
  EXPECT_EQ(events[2].request.status, 0xA900);
  EXPECT_NE(events[2].request.comment.find("Study Instance UID"), std::string::npos);
  EXPECT_EQ(events[3].kind, "closed");
  EXPECT_EQ(events[3].text, "released");
}

TEST_F(ObservedPacs, ReportsARejectedAssociationWithItsReason) {
  const auto attempt =
      tryAssociation(service_->port(), "SOMEONE_ELSE", {UID_VerificationSOPClass}, kUncompressed);
  ASSERT_TRUE(attempt.rejected) << attempt.error;
  const auto events = observer_.waitFor(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "refused");
  EXPECT_EQ(events[0].text, "called AE title not recognized");
}

TEST(ObservedServices, FeedTheOperatorsCountersAsTrafficHappens) {
  TempDir dir;
  config::GatewayConfig config;
  config.pacs.storage_path = dir / "storage";
  config.pacs.db_path = dir / "pacs.db";
  config.network.bind_address = "127.0.0.1";
  logging::initLogging("warn");
  dicom::configureDcmtkGlobals(config.network);
  std::filesystem::create_directories(config.pacs.storage_path);
  window::ServiceMetrics metrics;
  pacs::PacsService service(config, std::uint16_t{0}, nullptr, pacs::CommitmentService::Resolver{},
                            &metrics);
  service.start();
  metrics.addService("pacs", config.pacs.aet, service.port());
  for (int i = 0; i < 3; ++i) {
    TestScu scu(service.port(), "SCREENING_PACS", "MAMMO_" + std::to_string(i));
    scu.propose({UID_DigitalMammographyXRayImageStorageForPresentation}, kUncompressed);
    ASSERT_TRUE(scu.connect().good());
    auto object = makeObject(ObjectSpec{});
    EXPECT_EQ(scu.store(*object).status, 0x0000);
    scu.releaseAssociation();
  }
  // The last close may still be on its way.
  for (int i = 0; i < 500 && metrics.snapshot().services[0].today.associations < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  service.stop(std::chrono::seconds(5));
  const auto snapshot = metrics.snapshot();
  EXPECT_EQ(snapshot.services[0].today.stored, 3u);
  EXPECT_EQ(snapshot.services[0].today.associations, 3u);
  EXPECT_EQ(snapshot.peers.size(), 3u);
  EXPECT_NE(metrics.prometheusText().find("gateway_objects_stored_total{service=\"pacs\"} 3\n"),
            std::string::npos);
}

}  // namespace
}  // namespace gateway::test
