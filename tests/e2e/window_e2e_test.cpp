// The operator's window of the built binary: `serve` with its HTTP server, the emulator and
// DICOM clients as traffic, the page and the API read over HTTP, and headless Chromium.
#include <arpa/inet.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "common/dicom/find_client.h"
#include "common/dicom/mpps_client.h"
#include "common/dicom_values/current_date.h"
#include "common/dicom_values/uid_generator.h"
#include "common/http/http_client.h"
#include "services/emulator/screening_images.h"
#include "tests/e2e/gateway_process.h"
#include "tests/support/child_process.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/mpps_fixtures.h"
#include "tests/support/store_client.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {
namespace {

using Json = nlohmann::json;
const std::string kToken = "e2e-window-token-0123456789";

// A small parser of the Prometheus text exposition format (0.0.4): every line must be a
// comment (# HELP / # TYPE) or `name{label="value",...} number`. Returns series -> value, or
// fails the test on the first line that does not parse.
std::map<std::string, double> parsePrometheus(const std::string& text) {
  static const std::regex kSample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*)?\})? (-?[0-9.eE+-]+|\+Inf|-Inf|NaN)$)");
  static const std::regex kComment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$)");
  std::map<std::string, double> series;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      EXPECT_TRUE(std::regex_match(line, kComment)) << "bad comment: " << line;
      continue;
    }
    std::smatch match;
    if (!std::regex_match(line, match, kSample)) {
      ADD_FAILURE() << "not a Prometheus sample: " << line;
      continue;
    }
    const std::size_t space = line.rfind(' ');
    series[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return series;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class WindowE2e : public ::testing::Test {
 protected:
  WindowE2e()
      : pacs_port_(freePort()),
        mwl_port_(freePort()),
        http_port_(freePort()),
        date_(dicom_values::currentDate()) {
    std::ofstream(dir_ / "api-token") << kToken << "\n";
    env_ = {{"PACS_PORT", std::to_string(pacs_port_)},
            {"MWL_PORT", std::to_string(mwl_port_)},
            {"GATEWAY_HTTP_PORT", std::to_string(http_port_)},
            {"GATEWAY_API_TOKEN_FILE", (dir_ / "api-token").string()},
            {"PACS_STORAGE_PATH", (dir_ / "storage").string()},
            {"PACS_DB_PATH", (dir_ / "pacs.db").string()},
            {"MWL_DB_PATH", (dir_ / "worklist.db").string()},
            {"GATEWAY_SHUTDOWN_TIMEOUT", "5"}};
  }

  std::unique_ptr<GatewayProcess> serve() {
    auto process = std::make_unique<GatewayProcess>(std::vector<std::string>{"serve"}, env_,
                                                    dir_ / "gateway.log");
    EXPECT_TRUE(process->waitForLog("ready", std::chrono::seconds(20))) << process->log();
    return process;
  }

  http::ClientResponse request(const std::string& method, const std::string& target,
                               const std::string& body = {}, const std::string& token = {}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return http::httpRequest("127.0.0.1", http_port_, method, target, body, headers,
                             std::chrono::seconds(20));
  }
  Json getJson(const std::string& target) {
    const auto response = request("GET", target);
    EXPECT_EQ(response.status, 200) << target << ": " << response.error << response.body;
    return Json::parse(response.body.empty() ? "null" : response.body);
  }

  void add(const std::string& accession, const std::string& name, const std::string& date,
           const std::string& time, const std::string& description = "Screening") {
    const auto [code, out] = runGateway({"worklist",
                                         "add",
                                         "--accession-number",
                                         accession,
                                         "--patient-id",
                                         "PID-" + accession,
                                         "--patient-name",
                                         name,
                                         "--patient-birth-date",
                                         "19700101",
                                         "--scheduled-date",
                                         date,
                                         "--scheduled-time",
                                         time,
                                         "--modality",
                                         "MG",
                                         "--scheduled-station-aet",
                                         "MAMMO1",
                                         "--study-description",
                                         description},
                                        env_);
    ASSERT_EQ(code, 0) << out;
  }

  // The emulator's images for `accession`, as a modality would make them.
  std::vector<emulator::ScreeningImage> images(const std::string& accession) {
    emulator::ScheduledStep step;
    step.patient_name = "DOE^JANE";
    step.patient_id = "PID-" + accession;
    step.patient_birth_date = "19700101";
    step.accession_number = accession;
    step.study_instance_uid = dicom_values::generateUid();
    step.requested_procedure_id = accession;
    step.step_id = accession;
    emulator::Acquisition acquisition;
    acquisition.series_instance_uid = dicom_values::generateUid();
    acquisition.date = date_;
    acquisition.time = "091500";
    acquisition.station_aet = "MG_E2E";
    return emulator::buildScreeningImages(step, acquisition);
  }

  void store(std::vector<DcmDataset*> datasets) {
    TestScu scu(pacs_port_, "SCREENING_PACS", "MG_E2E");
    scu.propose({UID_DigitalMammographyXRayImageStorageForPresentation},
                {UID_LittleEndianExplicitTransferSyntax});
    ASSERT_TRUE(scu.connect().good());
    for (DcmDataset* dataset : datasets) EXPECT_EQ(scu.store(*dataset).status, 0x0000);
    scu.releaseAssociation();
  }

  void completeWithMpps(const std::string& accession) {
    dicom::MppsClient mpps("127.0.0.1", mwl_port_, "MG_E2E", "MWL_SCP", std::chrono::seconds(10));
    ASSERT_EQ(mpps.connect(), "");
    const std::string uid = dicom_values::generateUid();
    DcmDataset create = mppsCreateAttributes(accession, "PID-" + accession, date_);
    EXPECT_EQ(mpps.nCreate(uid, create).status, 0x0000);
    DcmDataset set = mppsSetStatus("COMPLETED");
    EXPECT_EQ(mpps.nSet(uid, set).status, 0x0000);
    mpps.release();
  }

  std::size_t worklistMatches(const std::string& accession) {
    DcmDataset query;
    query.putAndInsertString(DCM_AccessionNumber, accession.c_str());
    query.putAndInsertString(DCM_PatientName, "");
    DcmItem* step = nullptr;
    query.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, step, -2);
    step->putAndInsertString(DCM_ScheduledProcedureStepStartDate, date_.c_str());
    step->putAndInsertString(DCM_Modality, "MG");
    const auto result =
        dicom::sendFind("127.0.0.1", mwl_port_, "MG_E2E", "MWL_SCP",
                        UID_FINDModalityWorklistInformationModel, query, std::chrono::seconds(10));
    EXPECT_TRUE(result.ok) << result.error;
    return result.matches.size();
  }

  TempDir dir_;
  std::uint16_t pacs_port_;
  std::uint16_t mwl_port_;
  std::uint16_t http_port_;
  std::string date_;
  std::vector<std::pair<std::string, std::string>> env_;
};

TEST_F(WindowE2e, FourViewsShowTheItemCompletedAndTheCountersMove) {
  auto gateway = serve();
  add("E2E-4V", "SMITH^JANE", date_, "0900");
  const auto before = parsePrometheus(request("GET", "/metrics").body);
  EXPECT_EQ(before.at("gateway_objects_stored_total{service=\"pacs\"}"), 0);

  const auto [code, out] = runGateway({"emulate", "--once", "--calling-aet", "MG_E2E"}, env_);
  ASSERT_EQ(code, 0) << out;

  const Json item = getJson("/api/worklist/E2E-4V");
  EXPECT_EQ(item["status"], "COMPLETED");
  EXPECT_EQ(item["views"], Json::parse(R"({"LCC":1,"LMLO":1,"RCC":1,"RMLO":1})"));
  EXPECT_EQ(item["missing_views"], Json::array());
  ASSERT_EQ(item["images"].size(), 4u);
  EXPECT_EQ(item["images"][0]["sop_class_uid"],
            UID_DigitalMammographyXRayImageStorageForPresentation);
  EXPECT_EQ(item["patient_name"], "J.S.");  // masked without the token

  const Json listed = getJson("/api/worklist?date=" + date_ + "&status=completed");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["accession_number"], "E2E-4V");

  const auto page = request("GET", "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(
      page.body.find("<tr class=\"item\" data-accession=\"E2E-4V\" data-status=\"COMPLETED\">"),
      std::string::npos)
      << page.body;
  EXPECT_EQ(count(page.body, "class=\"view present\""), 4u);
  EXPECT_EQ(page.body.find("class=\"item incomplete\""), std::string::npos);
  EXPECT_EQ(page.body.find("SMITH"), std::string::npos);
  EXPECT_NE(page.headers.at("content-security-policy").find("default-src 'none'"),
            std::string::npos);

  const auto after = parsePrometheus(request("GET", "/metrics").body);
  EXPECT_EQ(after.at("gateway_objects_stored_total{service=\"pacs\"}"), 4);
  EXPECT_GT(after.at("gateway_stored_bytes_total{service=\"pacs\"}"), 4 * 256 * 320 * 2);
  EXPECT_GE(after.at("gateway_associations_total{service=\"pacs\",outcome=\"released\"}"), 1);
  EXPECT_GE(
      after.at(
          "gateway_dimse_responses_total{service=\"mwl\",command=\"N-SET\",status=\"0x0000\"}"),
      1);
  EXPECT_GE(after.at("gateway_request_duration_seconds_count{service=\"mwl\",command=\"C-FIND\"}"),
            1);
  EXPECT_GT(after.at("gateway_disk_free_bytes"), 0);

  const Json status = getJson("/api/status");
  EXPECT_EQ(status["services"]["services"][0]["today"]["stored"], 4);
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(WindowE2e, AMissingViewIsHighlightedAndAnUnknownAccessionIsListedAsNotLinked) {
  auto gateway = serve();
  add("E2E-3V", "SMITH^JANE", date_, "0930");
  auto views = images("E2E-3V");
  store({views[0].dataset.get(), views[1].dataset.get(), views[3].dataset.get()});  // no RCC
  completeWithMpps("E2E-3V");

  const Json item = getJson("/api/worklist/E2E-3V");
  EXPECT_EQ(item["status"], "COMPLETED");
  EXPECT_EQ(item["missing_views"], Json::array({"RCC"}));
  EXPECT_EQ(item["views"]["RCC"], 0);
  EXPECT_EQ(item["incomplete"], true);
  const auto page = request("GET", "/").body;
  EXPECT_NE(page.find("<tr class=\"item incomplete\" data-accession=\"E2E-3V\""), std::string::npos)
      << page;
  EXPECT_NE(page.find("class=\"view missing\" data-view=\"RCC\""), std::string::npos);

  auto stray = images("NOT-BOOKED");
  auto anonymous = images("");
  store({stray[0].dataset.get(), anonymous[1].dataset.get()});
  const Json status = getJson("/api/status");
  std::vector<std::string> unlinked;
  for (const auto& image : status["unlinked"]) unlinked.push_back(image["sop_instance_uid"]);
  EXPECT_EQ(unlinked,
            (std::vector<std::string>{stray[0].sop_instance_uid, anonymous[1].sop_instance_uid}));
  EXPECT_EQ(status["unlinked"][0]["source_aet"], "MG_E2E");
  const auto page2 = request("GET", "/").body;
  EXPECT_NE(page2.find("<tr class=\"unlinked\" data-uid=\"" + stray[0].sop_instance_uid + "\">"),
            std::string::npos);
  EXPECT_NE(page2.find("NOT-BOOKED <span class=\"bad\">(not on the worklist)</span>"),
            std::string::npos);
  const Json instances = getJson("/api/instances?accession=NOT-BOOKED");
  ASSERT_EQ(instances.size(), 1u);
  EXPECT_EQ(instances[0]["view"], "LCC");
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(WindowE2e, AnItemCreatedAndCancelledThroughTheApiComesAndGoesInCFind) {
  auto gateway = serve();
  const std::string item = R"({"accession_number": "API-E2E", "patient_id": "PID-77",
    "patient_name": "DOE^ANN", "patient_birth_date": "19700101", "scheduled_date": ")" +
                           date_ + R"(", "scheduled_time": "1000", "modality": "MG"})";
  EXPECT_EQ(request("POST", "/api/worklist", item).status, 401);
  EXPECT_EQ(request("POST", "/api/worklist", item, "not-the-token-00000000").status, 403);
  EXPECT_EQ(worklistMatches("API-E2E"), 0u);

  const auto created = request("POST", "/api/worklist", item, kToken);
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(worklistMatches("API-E2E"), 1u);
  EXPECT_EQ(request("POST", "/api/worklist", item, kToken).status, 200);  // identical: no-op
  std::string moved = item;
  moved.replace(moved.find("\"1000\""), 6, "\"1100\"");
  const auto conflict = request("POST", "/api/worklist", moved, kToken);
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  EXPECT_EQ(Json::parse(conflict.body)["field"], "accession_number");

  EXPECT_EQ(request("POST", "/api/worklist/API-E2E/cancel", R"({"reason":"x"})").status, 401);
  const auto cancelled =
      request("POST", "/api/worklist/API-E2E/cancel", R"({"reason": "booking withdrawn"})", kToken);
  EXPECT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(worklistMatches("API-E2E"), 0u);  // at once
  EXPECT_EQ(getJson("/api/worklist/API-E2E")["status"], "DISCONTINUED");
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(WindowE2e, OversizedAndMalformedRequestsGet4xxAndTheServerGoesOn) {
  auto gateway = serve();
  auto raw = [this](const std::string& bytes) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(http_port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return std::string();
    for (std::size_t sent = 0; sent < bytes.size();) {
      const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    std::string reply;
    char buffer[4096];
    for (int i = 0; i < 200; ++i) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      reply.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return reply;
  };
  const std::string big(5 * 1024 * 1024, 'x');
  EXPECT_EQ(raw("POST /api/worklist HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                std::to_string(big.size()) + "\r\n\r\n" + big)
                .rfind("HTTP/1.1 413", 0),
            0u);
  EXPECT_EQ(raw("GET / HTTP/1.1\r\nHost: x\r\nCookie: " + std::string(64 * 1024, 'c') + "\r\n\r\n")
                .rfind("HTTP/1.1 431", 0),
            0u);
  EXPECT_EQ(raw("\x16\x03\x01 definitely not HTTP\r\n\r\n").rfind("HTTP/1.1 400", 0), 0u);
  EXPECT_EQ(raw("GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 400", 0), 0u);
  EXPECT_EQ(request("POST", "/api/worklist", "{\"unterminated", kToken).status, 400);
  EXPECT_EQ(request("GET", "/api/worklist?date=yesterday").status, 400);
  EXPECT_EQ(request("GET", "/thumbnail/not-a-uid.png").status, 404);
  const Json health = getJson("/api/health");
  EXPECT_EQ(health["ok"], true) << health.dump();
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(WindowE2e, HeadlessChromiumRendersThePageEscapedWithItsThumbnails) {
  const char* candidates[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser"};
  std::string chromium;
  for (const char* c : candidates) {
    if (::access(c, X_OK) == 0) chromium = c;
  }
  ASSERT_FALSE(chromium.empty()) << "chromium is missing: run scripts/install-deps.sh";
  auto gateway = serve();
  add("XSS-1", "<script>alert(1)</script>^EVIL", date_, "0800", "<b>bold</b>");
  const auto [code, out] = runGateway({"emulate", "--once", "--calling-aet", "MG_E2E"}, env_);
  ASSERT_EQ(code, 0) << out;

  const std::string url = "http://127.0.0.1:" + std::to_string(http_port_) + "/";
  const std::vector<std::string> common = {chromium,
                                           "--headless",
                                           "--no-sandbox",
                                           "--disable-gpu",
                                           "--disable-quic",
                                           "--no-first-run",
                                           "--disable-background-networking",
                                           "--disable-component-update",
                                           "--disable-sync",
                                           "--disable-dev-shm-usage",
                                           "--user-data-dir=" + (dir_ / "chrome").string(),
                                           "--window-size=1280,900",
                                           "--virtual-time-budget=10000"};
  auto dump_args = common;
  dump_args.push_back("--dump-dom");
  dump_args.push_back(url);
  ASSERT_EQ(runProgram(dump_args, std::chrono::seconds(90), (dir_ / "dom.html").string()), 0)
      << readFileBytes(dir_ / "dom.html");
  const std::string dom = readFileBytes(dir_ / "dom.html");
  EXPECT_NE(dom.find("data-loaded=\"1\""), std::string::npos) << dom;  // the page's script ran
  EXPECT_NE(dom.find("data-accession=\"XSS-1\" data-status=\"COMPLETED\""), std::string::npos);
  EXPECT_EQ(dom.find("<script>alert"), std::string::npos) << dom;
  EXPECT_EQ(dom.find("<b>bold"), std::string::npos);
  EXPECT_NE(dom.find("E.&lt;. *S-1"), std::string::npos) << dom;  // shown as text, masked
  // Every thumbnail decoded, at the size the renderer makes of a 256x320 image.
  EXPECT_EQ(count(dom, "data-size=\"204x256\""), 4u) << dom;
  EXPECT_EQ(dom.find("thumb broken"), std::string::npos);

  auto shot_args = common;
  shot_args.push_back("--screenshot=" + (dir_ / "page.png").string());
  shot_args.push_back(url);
  ASSERT_EQ(runProgram(shot_args, std::chrono::seconds(90), (dir_ / "shot.log").string()), 0)
      << readFileBytes(dir_ / "shot.log");
  const std::string png = readFileBytes(dir_ / "page.png");
  ASSERT_GT(png.size(), 1000u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  // Direct: the thumbnail is a PNG of the right size.
  const Json item = getJson("/api/worklist/XSS-1");
  const auto thumb = request("GET", item["images"][0]["thumbnail"].get<std::string>());
  EXPECT_EQ(thumb.status, 200);
  EXPECT_EQ(thumb.headers.at("content-type"), "image/png");
  ASSERT_GT(thumb.body.size(), 24u);
  auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned char>(thumb.body[at]) << 24) |
           (static_cast<unsigned char>(thumb.body[at + 1]) << 16) |
           (static_cast<unsigned char>(thumb.body[at + 2]) << 8) |
           static_cast<unsigned char>(thumb.body[at + 3]);
  };
  EXPECT_EQ(be32(16), 204);
  EXPECT_EQ(be32(20), 256);
  // Beside the store, not in it.
  EXPECT_TRUE(std::filesystem::exists(dir_ / "storage.thumbnails"));
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(WindowE2e, DstDaysShowTheirItemsOnTheRightDayAndTime) {
  env_.emplace_back("TZ", "Europe/London");
  env_.emplace_back("GATEWAY_TIMEZONE", "Europe/London");
  auto gateway = serve();
  // The last Sundays of March and October 2027, and their neighbours' late and early items.
  for (const auto& [accession, date, time] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"DST-M0", "20270327", "2330"},
           {"DST-M1", "20270328", "0030"},
           {"DST-M2", "20270328", "2330"},
           {"DST-M3", "20270329", "0030"},
           {"DST-O0", "20271030", "2330"},
           {"DST-O1", "20271031", "0030"},
           {"DST-O2", "20271031", "2330"},
           {"DST-O3", "20271101", "0030"}}) {
    add(accession, "DOE^JANE", date, time);
  }
  for (const auto& [date, first, second] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"20270328", "DST-M1", "DST-M2"}, {"20271031", "DST-O1", "DST-O2"}}) {
    const Json items = getJson("/api/worklist?date=" + date);
    ASSERT_EQ(items.size(), 2u) << items.dump();
    EXPECT_EQ(items[0]["accession_number"], first);
    EXPECT_EQ(items[0]["scheduled_time"], "0030");
    EXPECT_EQ(items[1]["accession_number"], second);
    EXPECT_EQ(items[1]["scheduled_time"], "2330");
    const std::string page = request("GET", "/?date=" + date).body;
    EXPECT_NE(page.find("data-accession=\"" + first + "\""), std::string::npos);
    EXPECT_NE(page.find("data-accession=\"" + second + "\""), std::string::npos);
    EXPECT_NE(page.find("<td class=\"time\">00:30</td>"), std::string::npos);
    EXPECT_NE(page.find("<td class=\"time\">23:30</td>"), std::string::npos);
    EXPECT_EQ(count(page, "<tr class=\"item"), 2u);
    const auto [code, out] = runGateway({"status", "--date", date, "--json"}, env_);
    ASSERT_EQ(code, 0) << out;
    const Json status = Json::parse(out);
    ASSERT_EQ(status["worklist"].size(), 2u);
    EXPECT_EQ(status["worklist"][1]["accession_number"], second);
  }
  const std::string october = request("GET", "/?date=20271031").body;
  EXPECT_NE(october.find("href=\"/?date=20271030\""), std::string::npos);
  EXPECT_NE(october.find("href=\"/?date=20271101\""), std::string::npos);
  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
}

TEST_F(WindowE2e, HealthcheckJsonAndStatusReportTheRunningProcess) {
  auto gateway = serve();
  add("E2E-H", "SMITH^JANE", date_, "1100");
  const auto [code, out] = runGateway({"healthcheck", "--json"}, env_);
  ASSERT_EQ(code, 0) << out;
  const Json report = Json::parse(out);
  EXPECT_EQ(report["ok"], true);
  EXPECT_FALSE(report["version"].get<std::string>().empty());
  EXPECT_GE(report["uptime_s"].get<int>(), 0);
  std::vector<std::string> names;
  for (const auto& check : report["checks"]) {
    names.push_back(check["name"]);
    EXPECT_EQ(check["ok"], true) << check.dump();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"pacs-echo", "mwl-echo", "mwl-find", "pacs-db-write",
                                             "mwl-db-write", "disk", "http-api"}));
  EXPECT_GT(report["disk"]["free_bytes"].get<double>(), 0);
  EXPECT_FALSE(report["last_associations"].empty());  // the echoes above, as the process saw them

  const auto [text_code, text] = runGateway({"status"}, env_);
  EXPECT_EQ(text_code, 0) << text;
  EXPECT_NE(text.find("E2E-H"), std::string::npos) << text;
  EXPECT_NE(text.find("J.S. *E-H"), std::string::npos) << text;
  EXPECT_NE(text.find("Service pacs SCREENING_PACS"), std::string::npos) << text;
  EXPECT_NE(text.find("Health: healthy"), std::string::npos) << text;

  EXPECT_EQ(gateway->stop(SIGTERM, std::chrono::seconds(15)), 0) << gateway->log();
  const auto [down_code, down] = runGateway({"healthcheck", "--json", "--timeout", "2"}, env_);
  EXPECT_EQ(down_code, 1) << down;
  const Json failed = Json::parse(down);
  EXPECT_EQ(failed["ok"], false);
  EXPECT_EQ(failed["checks"][0]["name"], "pacs-echo");
  EXPECT_EQ(failed["checks"][0]["ok"], false);
  EXPECT_EQ(failed["checks"][0]["phase"], "C-ECHO");
  // Without the process, status reads the databases.
  const auto [offline_code, offline] = runGateway({"status", "--json", "--timeout", "2"}, env_);
  EXPECT_EQ(offline_code, 0) << offline;
  EXPECT_TRUE(Json::parse(offline)["services"].is_null());
}

}  // namespace
}  // namespace gateway::test
