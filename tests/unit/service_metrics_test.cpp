#include "services/window/service_metrics.h"

#include <dcmtk/dcmnet/dimse.h>
#include <gtest/gtest.h>

namespace gateway::window {
namespace {

dicom::AssociationContext peer(const std::string& aet) {
  dicom::AssociationContext c;
  c.calling_aet = aet;
  c.peer_address = "127.0.0.1";
  return c;
}

dicom::AnsweredRequest answered(std::uint16_t command, std::uint16_t status, int ms,
                                std::uint64_t bytes = 0) {
  dicom::AnsweredRequest r;
  r.command_field = command;
  r.status = status;
  r.duration = std::chrono::milliseconds(ms);
  r.bytes = bytes;
  if (status >= 0xA000) r.comment = "no Study Instance UID";
  return r;
}

class ServiceMetricsTest : public ::testing::Test {
 protected:
  ServiceMetricsTest() : metrics_([this] { return now_; }) {
    metrics_.addService("pacs", "SCREENING_PACS", 4244);
    metrics_.addService("mwl", "MWL_SCP", 4243);
  }
  std::time_t now_ = 1'800'000'000;  // 2027-01-15
  ServiceMetrics metrics_;
};

TEST_F(ServiceMetricsTest, CountsTodaysTrafficPerService) {
  metrics_.requestAnswered("pacs", peer("MAMMO1"), answered(DIMSE_C_STORE_RQ, 0x0000, 40, 1000));
  metrics_.requestAnswered("pacs", peer("MAMMO1"), answered(DIMSE_C_STORE_RQ, 0xB000, 40, 500));
  metrics_.requestAnswered("pacs", peer("MAMMO1"), answered(DIMSE_C_STORE_RQ, 0xA900, 3, 200));
  metrics_.requestAnswered("mwl", peer("MAMMO1"), answered(DIMSE_C_FIND_RQ, 0x0000, 2));
  metrics_.requestAnswered("mwl", peer("MAMMO1"), answered(DIMSE_N_CREATE_RQ, 0x0000, 2));
  metrics_.requestAnswered("mwl", peer("MAMMO1"), answered(DIMSE_N_SET_RQ, 0x0000, 2));
  metrics_.associationClosed("pacs", peer("MAMMO1"), "released", std::chrono::milliseconds(90));
  const auto snapshot = metrics_.snapshot();
  ASSERT_EQ(snapshot.services.size(), 2u);
  const auto& pacs = snapshot.services[0];
  EXPECT_EQ(pacs.aet, "SCREENING_PACS");
  EXPECT_EQ(pacs.today.stored, 2u);
  EXPECT_EQ(pacs.today.stored_bytes, 1500u);
  EXPECT_EQ(pacs.today.refused, 1u);
  EXPECT_EQ(pacs.today.associations, 1u);
  ASSERT_TRUE(pacs.last_association);
  EXPECT_EQ(pacs.last_association->calling_aet, "MAMMO1");
  EXPECT_EQ(pacs.last_association->outcome, "released");
  const auto& mwl = snapshot.services[1];
  EXPECT_EQ(mwl.today.queries, 1u);
  EXPECT_EQ(mwl.today.mpps, 2u);
}

TEST_F(ServiceMetricsTest, StartsTodaysCountsAgainAtLocalMidnightButKeepsCounters) {
  metrics_.requestAnswered("pacs", peer("MAMMO1"), answered(DIMSE_C_STORE_RQ, 0x0000, 40, 10));
  now_ += 2 * 86400;
  EXPECT_EQ(metrics_.snapshot().services[0].today.stored, 0u);
  metrics_.requestAnswered("pacs", peer("MAMMO1"), answered(DIMSE_C_STORE_RQ, 0x0000, 40, 10));
  EXPECT_EQ(metrics_.snapshot().services[0].today.stored, 1u);
  EXPECT_NE(metrics_.prometheusText().find("gateway_objects_stored_total{service=\"pacs\"} 2\n"),
            std::string::npos);
}

TEST_F(ServiceMetricsTest, KeepsTheLastTwentyFailuresNewestFirstWithPhaseAndReason) {
  metrics_.associationRefused("pacs", peer("STRANGER"), "called AE title not recognized");
  for (int i = 0; i < 25; ++i) {
    now_ += 1;
    metrics_.requestAnswered("pacs", peer("MAMMO" + std::to_string(i)),
                             answered(DIMSE_C_STORE_RQ, 0xA900, 1));
  }
  metrics_.associationClosed("mwl", peer("MAMMO2"), "aborted (idle timeout)",
                             std::chrono::milliseconds(1));
  const auto failures = metrics_.snapshot().failures;
  ASSERT_EQ(failures.size(), ServiceMetrics::kFailuresKept);
  EXPECT_EQ(failures[0].phase, "association");
  EXPECT_EQ(failures[0].reason, "aborted (idle timeout)");
  EXPECT_EQ(failures[1].phase, "C-STORE");
  EXPECT_EQ(failures[1].calling_aet, "MAMMO24");
  EXPECT_NE(failures[1].reason.find("0xA900"), std::string::npos) << failures[1].reason;
  EXPECT_NE(failures[1].reason.find("no Study Instance UID"), std::string::npos);
  EXPECT_EQ(failures.back().calling_aet, "MAMMO6");  // the refusal and the oldest fell out
}

TEST_F(ServiceMetricsTest, RemembersTheLastAssociationOfEachCallingAe) {
  metrics_.associationClosed("pacs", peer("MAMMO1"), "released", std::chrono::milliseconds(1));
  now_ += 10;
  metrics_.associationClosed("mwl", peer("MAMMO2"), "released", std::chrono::milliseconds(1));
  now_ += 10;
  metrics_.associationRefused("pacs", peer("MAMMO1"), "all workers busy");
  const auto peers = metrics_.snapshot().peers;
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers[0].calling_aet, "MAMMO1");
  EXPECT_EQ(peers[0].outcome, "rejected: all workers busy");
  EXPECT_EQ(peers[1].calling_aet, "MAMMO2");
}

TEST_F(ServiceMetricsTest, WritesPrometheusCountersAndCumulativeHistograms) {
  metrics_.associationClosed("pacs", peer("A"), "released", std::chrono::milliseconds(1));
  metrics_.associationClosed("pacs", peer("A"), "aborted by peer", std::chrono::milliseconds(1));
  metrics_.associationRefused("mwl", peer("A"), "called AE title not recognized");
  metrics_.requestAnswered("mwl", peer("A"), answered(DIMSE_C_FIND_RQ, 0x0000, 3));
  metrics_.requestAnswered("mwl", peer("A"), answered(DIMSE_C_FIND_RQ, 0x0000, 300));
  const std::string text = metrics_.prometheusText();
  for (const char* line :
       {"# TYPE gateway_associations_total counter\n",
        "gateway_associations_total{service=\"pacs\",outcome=\"released\"} 1\n",
        "gateway_associations_total{service=\"pacs\",outcome=\"aborted\"} 1\n",
        "gateway_associations_total{service=\"mwl\",outcome=\"rejected\"} 1\n",
        "gateway_dimse_responses_total{service=\"mwl\",command=\"C-FIND\",status=\"0x0000\"} 2\n",
        "# TYPE gateway_request_duration_seconds histogram\n",
        "gateway_request_duration_seconds_bucket{service=\"mwl\",command=\"C-FIND\",le=\"0.001\"} "
        "0\n",
        "gateway_request_duration_seconds_bucket{service=\"mwl\",command=\"C-FIND\",le=\"0.005\"} "
        "1\n",
        "gateway_request_duration_seconds_bucket{service=\"mwl\",command=\"C-FIND\",le=\"0.5\"} "
        "2\n",
        "gateway_request_duration_seconds_bucket{service=\"mwl\",command=\"C-FIND\",le=\"+Inf\"} "
        "2\n",
        "gateway_request_duration_seconds_count{service=\"mwl\",command=\"C-FIND\"} 2\n",
        "gateway_request_duration_seconds_sum{service=\"mwl\",command=\"C-FIND\"} 0.303\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin\n" << text;
  }
}

TEST(ServiceMetricsLabels, NamesOutcomesAndCommands) {
  EXPECT_EQ(ServiceMetrics::outcomeLabel("released"), "released");
  EXPECT_EQ(ServiceMetrics::outcomeLabel("aborted (idle timeout)"), "aborted");
  EXPECT_EQ(ServiceMetrics::outcomeLabel("rejected: busy"), "rejected");
  EXPECT_EQ(ServiceMetrics::commandLabel(DIMSE_C_STORE_RQ), "C-STORE");
  EXPECT_EQ(ServiceMetrics::commandLabel(DIMSE_N_SET_RQ), "N-SET");
}

}  // namespace
}  // namespace gateway::window
