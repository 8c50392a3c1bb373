// The status page's HTML: escaped everywhere, masked, the incomplete item highlighted.
#include "services/window/status_page.h"

#include <gtest/gtest.h>

namespace gateway::window {
namespace {

pacs::StoredInstance view(const std::string& uid, const std::string& laterality,
                          const std::string& position) {
  pacs::StoredInstance row;
  row.metadata.sop_instance_uid = uid;
  row.metadata.image_laterality = laterality;
  row.metadata.view_position = position;
  row.metadata.modality = "MG";
  row.created_at = "2026-12-03 09:10:00";
  return row;
}

StatusReport hostileReport() {
  StatusReport report;
  report.date = "20261203";
  report.today = "20261203";
  report.generated_at = "2026-12-03T09:30:00+00:00";
  report.timezone = "GMT";
  WorklistRow row;
  row.item.accession_number = "ACC<b>1</b>";
  row.item.patient_name = "<script>alert(1)</script>^<img src=x onerror=alert(2)>";
  row.item.patient_id = "PID\"><script>";
  row.item.scheduled_time = "0830";
  row.item.status = "COMPLETED";
  row.images = {view("1.2.3.1", "L", "CC"), view("1.2.3.2", "L", "MLO"),
                view("1.2.3.3", "R", "MLO")};
  row.views = summarizeViews(row.images);
  report.worklist.push_back(row);
  pacs::StoredInstance stray = view("1.2.3.9", "R", "CC");
  stray.metadata.accession_number = "<iframe src=//evil>";
  stray.metadata.patient_name = "DOE^JANE";
  stray.source_aet = "MAMMO\"<svg/onload=alert(3)>";
  report.unlinked.push_back(stray);
  MetricsSnapshot services;
  ServiceState pacs;
  pacs.name = "pacs";
  pacs.aet = "SCREENING_PACS";
  pacs.port = 4244;
  pacs.last_association =
      AssociationEvent{1, "pacs", "<script>x</script>", "127.0.0.1", "released"};
  services.services.push_back(pacs);
  services.failures.push_back(
      FailureEvent{1, "pacs", "C-STORE", "<b>AE</b>", "127.0.0.1", "status 0xA900: <marquee>"});
  report.services = services;
  return report;
}

TEST(StatusPage, EscapesEveryValueSoNothingBecomesMarkup) {
  const std::string html = renderStatusPage(hostileReport(), "abc123");
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("<iframe"), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("<marquee>"), std::string::npos);
  EXPECT_NE(html.find("ACC&lt;b&gt;1&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;iframe src=//evil&gt;"), std::string::npos);
  EXPECT_NE(html.find("MAMMO&quot;&lt;svg/onload=alert(3)&gt;"), std::string::npos);
  // Exactly one script element: the page's own.
  std::size_t scripts = 0;
  for (auto at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1)) {
    ++scripts;
  }
  EXPECT_EQ(scripts, 1u);
  EXPECT_NE(html.find("<script nonce=\"abc123\">"), std::string::npos);
}

TEST(StatusPage, MasksPatientsAsInitialsAndTheLastThreeOfTheId) {
  const std::string html = renderStatusPage(hostileReport(), "n");
  EXPECT_NE(html.find("&lt;.&lt;. *pt&gt;"), std::string::npos);  // initials, last 3 of the ID
  EXPECT_NE(html.find("J.D."), std::string::npos);                // DOE^JANE, no ID
  EXPECT_EQ(html.find("DOE"), std::string::npos);
  EXPECT_EQ(html.find("alert(1)"), std::string::npos);
}

TEST(StatusPage, HighlightsACompletedItemWithAMissingViewAndListsUnlinkedImages) {
  const std::string html = renderStatusPage(hostileReport(), "n");
  EXPECT_NE(html.find("<tr class=\"item incomplete\""), std::string::npos);
  EXPECT_NE(html.find("class=\"view missing\" data-view=\"RCC\""), std::string::npos);
  EXPECT_NE(html.find("class=\"view present\" data-view=\"LCC\""), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"unlinked\" data-uid=\"1.2.3.9\">"), std::string::npos);
  EXPECT_NE(html.find("src=\"/thumbnail/1.2.3.1.png\""), std::string::npos);
  EXPECT_NE(html.find("http-equiv=\"refresh\""), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);  // nothing external
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

TEST(StatusPage, ItsPolicyAllowsOnlyItsOwnNoncedStyleAndScript) {
  const std::string policy = pagePolicy("abc123");
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(policy.find("script-src 'nonce-abc123'"), std::string::npos);
  EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos);
}

}  // namespace
}  // namespace gateway::window
