// The operator's window's routes over real (temporary) databases, without a socket.
#include "services/window/operator_api.h"

#include <gtest/gtest.h>

#include "common/json/json_writer.h"
#include "services/mwl/worklist_lifecycle.h"
#include "services/window/site_time.h"
#include "tests/support/temp_dir.h"

namespace gateway::window {
namespace {

const std::string kToken = "test-token-0123456789";

const char* kItem = R"({"accession_number": "API-1", "patient_id": "PID-0042",
  "patient_name": "SMITH^JANE", "patient_birth_date": "19650412", "scheduled_date": "20261203",
  "scheduled_time": "0830", "modality": "MG", "study_description": "Screening"})";

class OperatorApiTest : public ::testing::Test {
 protected:
  OperatorApiTest()
      : worklist_(dir_ / "worklist.db"),
        index_(dir_ / "pacs.db"),
        feed_(worklist_),
        lifecycle_(worklist_),
        status_(worklist_, index_, dir_.path(), &metrics_),
        thumbnails_(dir_ / "storage", dir_ / "storage.thumbnails"),
        access_(kToken, false),
        api_(OperatorApi::Parts{status_, feed_, lifecycle_, &metrics_, thumbnails_, access_,
                                [] {
                                  HealthReport r;
                                  r.version = "9.9.9";
                                  r.checks.push_back({"pacs-echo", true, "C-ECHO", "1ms"});
                                  return r;
                                },
                                "9.9.9", dir_.path()}) {}

  http::HttpResponse call(const std::string& method, const std::string& target,
                          const std::string& body = {}, const std::string& token = {}) {
    http::HttpRequest request;
    request.method = method;
    request.target = target;
    EXPECT_TRUE(http::parseTarget(target, request.path, request.query)) << target;
    request.body = body;
    request.peer_address = "127.0.0.1";
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    return api_.handle(request);
  }
  static json::Json parse(const http::HttpResponse& r) { return json::Json::parse(r.body); }

  void storeImage(const std::string& uid, const std::string& accession, const std::string& lat,
                  const std::string& view, bool linked) {
    pacs::StoredInstance row;
    row.metadata.sop_instance_uid = uid;
    row.metadata.accession_number = accession;
    row.metadata.image_laterality = lat;
    row.metadata.view_position = view;
    row.metadata.patient_name = "SMITH^JANE";
    row.metadata.patient_id = "PID-0042";
    row.storage_path = "aa/bb/" + uid + ".dcm";
    row.storage_hash = "ff";
    row.file_size = 100;
    row.source_aet = "MAMMO1";
    if (linked) row.worklist_accession = accession;
    index_.upsert(row);
  }

  test::TempDir dir_;
  mwl::WorklistStore worklist_;
  pacs::InstanceIndex index_;
  mwl::WorklistFeed feed_;
  mwl::WorklistLifecycle lifecycle_;
  ServiceMetrics metrics_;
  StatusSource status_;
  ThumbnailCache thumbnails_;
  ApiAccess access_;
  OperatorApi api_;
};

TEST_F(OperatorApiTest, CreatesAnItemAndTreatsAnIdenticalResendAsANoOp) {
  const auto created = call("POST", "/api/worklist", kItem, kToken);
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(parse(created)["created"], json::Json::array({"API-1"}));
  ASSERT_TRUE(worklist_.find("API-1"));
  const std::string uid = worklist_.find("API-1")->study_instance_uid;

  const auto again = call("POST", "/api/worklist", kItem, kToken);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(parse(again)["unchanged"], json::Json::array({"API-1"}));
  EXPECT_EQ(worklist_.find("API-1")->study_instance_uid, uid);  // not re-generated
}

TEST_F(OperatorApiTest, RefusesTheSameAccessionWithOtherDataUnlessReplacing) {
  ASSERT_EQ(call("POST", "/api/worklist", kItem, kToken).status, 201);
  std::string changed = kItem;
  changed.replace(changed.find("0830"), 4, "0945");
  const auto conflict = call("POST", "/api/worklist", changed, kToken);
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  EXPECT_EQ(parse(conflict)["field"], "accession_number");
  EXPECT_EQ(worklist_.find("API-1")->scheduled_time, "0830");
  const auto replaced = call("POST", "/api/worklist?replace=true", changed, kToken);
  EXPECT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(parse(replaced)["replaced"], json::Json::array({"API-1"}));
  EXPECT_EQ(worklist_.find("API-1")->scheduled_time, "0945");
}

TEST_F(OperatorApiTest, NamesTheFieldOfEveryInvalidValueAndWritesNothing) {
  const auto bad = call("POST", "/api/worklist",
                        R"([{"accession_number": "B-1", "patient_id": "P", "patient_name": "X^Y",
                            "patient_birth_date": "1965-04-12", "scheduled_date": "20261203",
                            "scheduled_time": "0830", "modality": "MG"}])",
                        kToken);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(parse(bad)["field"], "patient_birth_date");
  EXPECT_EQ(parse(bad)["errors"][0]["field"], "patient_birth_date");
  EXPECT_FALSE(worklist_.find("B-1"));
  const auto syntax = call("POST", "/api/worklist", "{not json", kToken);
  EXPECT_EQ(syntax.status, 400) << syntax.body;
  EXPECT_EQ(call("POST", "/api/worklist", "[]", kToken).status, 400);
}

TEST_F(OperatorApiTest, WritesNeedTheToken) {
  EXPECT_EQ(call("POST", "/api/worklist", kItem).status, 401);
  EXPECT_EQ(call("POST", "/api/worklist", kItem, "wrong-token-0000000").status, 403);
  EXPECT_EQ(call("POST", "/api/worklist/API-1/cancel", R"({"reason":"x"})").status, 401);
  EXPECT_FALSE(worklist_.find("API-1"));
  const auto unauthorized = call("POST", "/api/worklist", kItem);
  bool challenged = false;
  for (const auto& [name, value] : unauthorized.headers) challenged |= name == "WWW-Authenticate";
  EXPECT_TRUE(challenged);
}

TEST_F(OperatorApiTest, CancelsToDiscontinuedWithTheReasonInTheHistory) {
  ASSERT_EQ(call("POST", "/api/worklist", kItem, kToken).status, 201);
  EXPECT_EQ(call("POST", "/api/worklist/API-1/cancel", "{}", kToken).status, 400);
  const auto cancelled =
      call("POST", "/api/worklist/API-1/cancel", R"({"reason": "participant moved away"})", kToken);
  EXPECT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(parse(cancelled)["status"], "DISCONTINUED");
  EXPECT_EQ(parse(cancelled)["changed"], true);
  const auto history = worklist_.statusHistory("API-1");
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().to_status, "DISCONTINUED");
  EXPECT_EQ(history.back().cause, "cancelled: participant moved away");
  const auto again = call("POST", "/api/worklist/API-1/cancel", R"({"reason": "again"})", kToken);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(parse(again)["changed"], false);
  EXPECT_EQ(call("POST", "/api/worklist/NOPE/cancel", R"({"reason":"x"})", kToken).status, 404);
}

TEST_F(OperatorApiTest, ACompletedItemCannotBeCancelled) {
  ASSERT_EQ(call("POST", "/api/worklist", kItem, kToken).status, 201);
  {
    auto transaction = worklist_.beginWrite();
    lifecycle_.advance(transaction, "API-1", mwl::kCompleted, "test");
    transaction.commit();
  }
  EXPECT_EQ(call("POST", "/api/worklist/API-1/cancel", R"({"reason":"x"})", kToken).status, 409);
}

TEST_F(OperatorApiTest, ShowsAnItemWithItsImagesAndViewsMaskedUnlessTheTokenIsGiven) {
  ASSERT_EQ(call("POST", "/api/worklist", kItem, kToken).status, 201);
  storeImage("1.2.3.1", "API-1", "L", "CC", true);
  storeImage("1.2.3.2", "API-1", "L", "MLO", true);
  storeImage("1.2.3.3", "API-1", "R", "MLO", true);
  const auto masked = call("GET", "/api/worklist/API-1");
  ASSERT_EQ(masked.status, 200) << masked.body;
  const auto item = parse(masked);
  EXPECT_EQ(item["accession_number"], "API-1");
  EXPECT_EQ(item["patient_name"], "J.S.");
  EXPECT_EQ(item["patient_id"], "*042");
  EXPECT_EQ(item["patient"], "J.S. *042");
  EXPECT_EQ(item["views"], json::Json::parse(R"({"LCC":1,"LMLO":1,"RCC":0,"RMLO":1})"));
  EXPECT_EQ(item["missing_views"], json::Json::array({"RCC"}));
  ASSERT_EQ(item["images"].size(), 3u);
  EXPECT_EQ(item["images"][0]["sop_instance_uid"], "1.2.3.1");
  EXPECT_EQ(item["images"][0]["laterality"], "L");
  EXPECT_EQ(item["images"][0]["view"], "LCC");
  EXPECT_FALSE(item["images"][0]["stored_at"].get<std::string>().empty());
  EXPECT_EQ(masked.body.find("SMITH"), std::string::npos);
  const auto full = parse(call("GET", "/api/worklist/API-1", {}, kToken));
  EXPECT_EQ(full["patient_name"], "SMITH^JANE");
  EXPECT_EQ(call("GET", "/api/worklist/NOPE").status, 404);
}

TEST_F(OperatorApiTest, ListsTheDaysItemsFilteredByStatus) {
  ASSERT_EQ(call("POST", "/api/worklist", kItem, kToken).status, 201);
  EXPECT_EQ(parse(call("GET", "/api/worklist?date=20261203")).size(), 1u);
  EXPECT_EQ(parse(call("GET", "/api/worklist?date=20261203&status=scheduled")).size(), 1u);
  EXPECT_EQ(parse(call("GET", "/api/worklist?date=20261203&status=COMPLETED")).size(), 0u);
  EXPECT_EQ(parse(call("GET", "/api/worklist?date=20261204")).size(), 0u);
  const auto bad = call("GET", "/api/worklist?date=2026-12-03");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(parse(bad)["field"], "date");
  EXPECT_EQ(parse(call("GET", "/api/worklist?status=done"))["field"], "status");
}

TEST_F(OperatorApiTest, ListsInstancesByExactlyOneKeyMaskedUnlessTheTokenIsGiven) {
  storeImage("1.2.3.7", "OTHER", "R", "CC", false);
  const auto by_accession = call("GET", "/api/instances?accession=OTHER");
  ASSERT_EQ(by_accession.status, 200);
  ASSERT_EQ(parse(by_accession).size(), 1u);
  EXPECT_EQ(parse(by_accession)[0].count("patient_name"), 0u);
  EXPECT_EQ(parse(by_accession)[0]["patient"], "J.S. *042");
  EXPECT_EQ(parse(call("GET", "/api/instances?accession=OTHER", {}, kToken))[0]["patient_name"],
            "SMITH^JANE");
  EXPECT_EQ(call("GET", "/api/instances").status, 400);
  EXPECT_EQ(call("GET", "/api/instances?accession=A&date=20261203").status, 400);
  EXPECT_EQ(call("GET", "/api/instances?study=not-a-uid").status, 400);
}

TEST_F(OperatorApiTest, ListsUnlinkedImagesUntilTheirAppointmentExists) {
  storeImage("1.2.3.8", "LATE-1", "L", "CC", false);
  storeImage("1.2.3.9", "", "R", "CC", false);
  const std::string today = localDate(std::time(nullptr));
  auto unlinked = status_.unlinked(today);
  EXPECT_EQ(unlinked.size(), 2u);
  std::string item = kItem;
  item.replace(item.find("API-1"), 5, "LATE-1");
  ASSERT_EQ(call("POST", "/api/worklist", item, kToken).status, 201);
  unlinked = status_.unlinked(today);
  ASSERT_EQ(unlinked.size(), 1u);
  EXPECT_EQ(unlinked[0].metadata.sop_instance_uid, "1.2.3.9");
}

TEST_F(OperatorApiTest, AnswersUnknownRoutesAndMethodsWithJsonErrors) {
  EXPECT_EQ(call("GET", "/nope").status, 404);
  EXPECT_EQ(call("DELETE", "/api/worklist").status, 405);
  EXPECT_EQ(call("GET", "/api/worklist/API-1/cancel").status, 405);
  EXPECT_EQ(call("POST", "/metrics").status, 405);
  EXPECT_EQ(parse(call("GET", "/nope")).count("error"), 1u);
  const auto thumbnail = call("GET", "/thumbnail/1.2.3.404.png");
  EXPECT_EQ(thumbnail.status, 404);
  EXPECT_EQ(thumbnail.content_type, "image/png");
  EXPECT_EQ(thumbnail.body.substr(1, 3), "PNG");
  EXPECT_EQ(call("GET", "/thumbnail/x").status, 404);
}

TEST_F(OperatorApiTest, ServesPageHealthProcessAndMetrics) {
  const auto page = call("GET", "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("Screening Gateway"), std::string::npos);
  const auto health = parse(call("GET", "/api/health"));
  EXPECT_EQ(health["ok"], true);
  EXPECT_EQ(health["version"], "9.9.9");
  EXPECT_EQ(health["checks"][0]["name"], "pacs-echo");
  EXPECT_EQ(parse(call("GET", "/api/process"))["version"], "9.9.9");
  const auto metrics = call("GET", "/metrics");
  EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics.body.find("gateway_disk_free_bytes "), std::string::npos);
  EXPECT_NE(metrics.body.find("gateway_http_responses_total{code=\"200\"}"), std::string::npos);
  const auto status = parse(call("GET", "/api/status?date=20261203"));
  EXPECT_EQ(status["date"], "20261203");
  EXPECT_TRUE(status["services"].is_object());
}

}  // namespace
}  // namespace gateway::window
