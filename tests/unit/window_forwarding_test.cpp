// The operator's window shows the forwarding queue (ADR 0019): per destination what waits,
// for how long, what failed and why, escaped; in the page, GET /api/status and /metrics.
#include <gtest/gtest.h>

#include "services/mwl/worklist_lifecycle.h"
#include "services/window/operator_api.h"
#include "services/window/status_json.h"
#include "services/window/status_page.h"
#include "tests/support/temp_dir.h"

namespace gateway::window {
namespace {

class WindowForwardingTest : public ::testing::Test {
 protected:
  WindowForwardingTest()
      : worklist_(dir_ / "worklist.db"),
        index_(dir_ / "pacs.db"),
        queue_(dir_ / "pacs.db"),
        feed_(worklist_),
        lifecycle_(worklist_),
        status_(worklist_, index_, dir_.path(), &metrics_,
                ForwardingSource{&queue_, {"central", "cloud"}}),
        thumbnails_(dir_ / "storage", dir_ / "storage.thumbnails"),
        access_("token-0123456789abcdef", false),
        api_(OperatorApi::Parts{status_, feed_, lifecycle_, &metrics_, thumbnails_, access_,
                                [] { return HealthReport{}; }, "9.9.9", dir_.path()}) {}

  void store(const std::string& uid, const std::vector<std::string>& destinations) {
    pacs::StoredInstance row;
    row.metadata.sop_instance_uid = uid;
    row.storage_path = "aa/bb/" + uid + ".dcm";
    row.storage_hash = "ff";
    row.file_size = 100;
    index_.upsert(row, destinations);
  }

  test::TempDir dir_;
  mwl::WorklistStore worklist_;
  pacs::InstanceIndex index_;
  pacs::ForwardQueue queue_;
  mwl::WorklistFeed feed_;
  mwl::WorklistLifecycle lifecycle_;
  ServiceMetrics metrics_;
  StatusSource status_;
  ThumbnailCache thumbnails_;
  ApiAccess access_;
  OperatorApi api_;
};

TEST_F(WindowForwardingTest, ShowsEachDestinationsBacklogAndEscapesItsErrors) {
  store("1.2.3.1", {"central"});
  store("1.2.3.2", {"central"});
  store("1.2.3.3", {"central"});
  const auto claimed = queue_.claim("central", 10, 1e12);
  ASSERT_EQ(claimed.size(), 3u);
  queue_.markSent({claimed[0].id});
  queue_.markFailed(claimed[1].id, "C-STORE status 0xA900: <script>alert(1)</script>");
  queue_.markRetry(claimed[2].id, "unreachable", 1e12);

  const StorageState storage = status_.storage();
  ASSERT_EQ(storage.forwarding.size(), 2u);  // cloud is configured, with nothing queued yet
  EXPECT_EQ(storage.forwarding[0].backlog.destination, "central");
  EXPECT_EQ(storage.forwarding[0].waiting(), 1);
  EXPECT_GE(storage.forwarding[0].oldest_unsent_age_s, 0);
  EXPECT_EQ(storage.forwarding[1].backlog.destination, "cloud");
  EXPECT_EQ(storage.forwarding[1].waiting(), 0);

  const auto json = statusJson(status_.report(""));
  const auto& central = json["storage"]["forwarding"][0];
  EXPECT_EQ(central["name"], "central");
  EXPECT_EQ(central["pending"], 1);
  EXPECT_EQ(central["sent"], 1);
  EXPECT_EQ(central["failed"], 1);
  EXPECT_TRUE(central["oldest_unsent_age_s"].is_number());
  EXPECT_EQ(json["storage"]["forwarding"][1]["oldest_unsent_age_s"], nullptr);

  const std::string page = renderStatusPage(status_.report(""), "n0nce");
  EXPECT_NE(page.find("<ul id=\"forwarding\">"), std::string::npos);
  EXPECT_NE(page.find("1 waiting, oldest"), std::string::npos) << page;
  EXPECT_NE(page.find("1 failed"), std::string::npos);
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_EQ(page.find("Forwarding: none configured"), std::string::npos);

  http::HttpRequest request;
  request.method = "GET";
  request.target = request.path = "/metrics";
  request.peer_address = "127.0.0.1";
  const auto metrics = api_.handle(request).body;
  EXPECT_NE(metrics.find("gateway_forward_queue{destination=\"central\",state=\"pending\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("gateway_forward_queue{destination=\"central\",state=\"failed\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.find("gateway_forward_queue{destination=\"cloud\",state=\"sent\"} 0"),
            std::string::npos);
  EXPECT_NE(metrics.find("gateway_forward_oldest_unsent_age_seconds{destination=\"central\"}"),
            std::string::npos);
  EXPECT_NE(metrics.find("gateway_instances_purged 0"), std::string::npos);
}

TEST(WindowForwarding, WithoutDestinationsThePageSaysSo) {
  StatusReport report;
  EXPECT_NE(renderStatusPage(report, "n").find("Forwarding: none configured."), std::string::npos);
  EXPECT_TRUE(statusJson(report)["storage"]["forwarding"].empty());
}

}  // namespace
}  // namespace gateway::window
