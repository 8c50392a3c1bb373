#include "services/window/operator_api.h"

#include <nlohmann/json.hpp>
#include <random>

#include "common/dicom_values/value_checks.h"
#include "common/logging/logging.h"
#include "common/text/trim.h"
#include "services/mwl/worklist_import.h"
#include "services/mwl/worklist_validation.h"
#include "services/window/site_time.h"
#include "services/window/status_json.h"
#include "services/window/status_page.h"
#include "services/window/thumbnail_renderer.h"

namespace gateway::window {
namespace {

using http::HttpRequest;
using http::HttpResponse;

HttpResponse jsonOk(int status, const json::Json& body) {
  return HttpResponse::json(status, json::toJsonLine(body) + "\n");
}

HttpResponse denied(ApiAccess::Verdict verdict) {
  switch (verdict) {
    case ApiAccess::Verdict::kMissingToken: {
      HttpResponse r = jsonError(401, "this needs Authorization: Bearer <token>", "Authorization");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"screening-gateway\"");
      return r;
    }
    case ApiAccess::Verdict::kWrongToken:
      return jsonError(403, "the token is not the API token", "Authorization");
    case ApiAccess::Verdict::kWritesOff:
      return jsonError(403,
                       "the write API is off: no API token is configured (GATEWAY_API_TOKEN_FILE)");
    case ApiAccess::Verdict::kGranted:
      break;
  }
  return jsonError(500, "internal error");
}

std::string nonce() {
  std::random_device random;
  std::string out;
  const char* hex = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    const unsigned value = random();
    for (int j = 0; j < 4; ++j) out += hex[(value >> (j * 4)) & 0xF];
  }
  return out;
}

// The date of a request (?date=YYYYMMDD), today when absent; nullopt when malformed.
std::optional<std::string> requestedDate(const HttpRequest& request) {
  const auto date = request.param("date");
  if (!date || date->empty()) return localDate(std::time(nullptr));
  if (!mwl::isValidDate(*date)) return std::nullopt;
  return *date;
}

bool parseBool(const std::optional<std::string>& value) {
  return value && (*value == "true" || *value == "1" || *value == "yes");
}

// The same appointment as stored: what the booking system controls is equal. The status
// (moved on by MPPS and images), the MPPS link and the message id are the gateway's or
// tracing, and a generated Study Instance UID was never sent.
bool sameAppointment(const mwl::WorklistItem& stored, const mwl::ImportedItem& sent) {
  for (const auto& field : mwl::worklistFields()) {
    if (!field.writable) continue;
    const std::string name = field.name;
    if (name == "status" || name == "mpps_instance_uid" || name == "source_message_id") continue;
    if (name == "study_instance_uid" && sent.study_uid_generated) continue;
    if (stored.*(field.member) != sent.item.*(field.member)) return false;
  }
  return true;
}

json::Json importErrors(const mwl::WorklistImport& import) {
  json::Json errors = json::Json::array();
  for (const auto& e : import.errors) {
    json::Json error = json::Json::object();
    error["item"] = e.item;
    error["line"] = e.line;
    error["field"] = e.field;
    error["message"] = e.message;
    errors.push_back(error);
  }
  return errors;
}

}  // namespace

HttpResponse jsonError(int status, const std::string& message, const std::string& field) {
  json::Json body = json::Json::object();
  body["error"] = message;
  if (!field.empty()) body["field"] = field;
  return jsonOk(status, body);
}

HttpResponse OperatorApi::handle(const HttpRequest& request) {
  HttpResponse response = route(request);
  std::lock_guard lock(counts_mutex_);
  ++responses_[response.status];
  return response;
}

HttpResponse OperatorApi::route(const HttpRequest& request) {
  const std::string& path = request.path;
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  auto onlyGet = [&]() -> std::optional<HttpResponse> {
    if (get) return std::nullopt;
    HttpResponse r = jsonError(405, request.method + " is not allowed on " + path);
    r.headers.emplace_back("Allow", "GET");
    return r;
  };

  // Writes first: they never fall back to a read route.
  if (path == "/api/worklist" && post) {
    const auto verdict = parts_.access.write(request);
    if (verdict != ApiAccess::Verdict::kGranted) return denied(verdict);
    return createItems(request);
  }
  const std::string kItem = "/api/worklist/";
  const std::string kCancel = "/cancel";
  if (path.rfind(kItem, 0) == 0 && path.size() > kItem.size() + kCancel.size() &&
      path.compare(path.size() - kCancel.size(), kCancel.size(), kCancel) == 0) {
    if (!post) {
      HttpResponse r = jsonError(405, request.method + " is not allowed on " + path);
      r.headers.emplace_back("Allow", "POST");
      return r;
    }
    const auto verdict = parts_.access.write(request);
    if (verdict != ApiAccess::Verdict::kGranted) return denied(verdict);
    return cancelItem(path.substr(kItem.size(), path.size() - kItem.size() - kCancel.size()),
                      request);
  }

  const bool known = path == "/" || path == "/metrics" || path == "/api/status" ||
                     path == "/api/health" || path == "/api/process" || path == "/api/worklist" ||
                     path.rfind(kItem, 0) == 0 || path == "/api/instances" ||
                     path.rfind("/thumbnail/", 0) == 0;
  if (!known) return jsonError(404, "no such page or API: " + path);
  if (auto refused = onlyGet()) return *refused;
  const auto verdict = parts_.access.read(request);
  if (verdict != ApiAccess::Verdict::kGranted) return denied(verdict);
  const bool unmasked = parts_.access.hasToken(request);

  if (path == "/") return page(request);
  if (path == "/metrics") return metrics();
  if (path == "/api/process") return process();
  if (path == "/api/health") {
    const HealthReport report = parts_.health();
    return jsonOk(report.ok() ? 200 : 503, healthJson(report));
  }
  if (path == "/api/status") {
    const auto date = requestedDate(request);
    if (!date) return jsonError(400, "date must be YYYYMMDD", "date");
    return jsonOk(200, statusJson(parts_.status.report(*date)));
  }
  if (path == "/api/worklist") return listWorklist(request, unmasked);
  if (path.rfind(kItem, 0) == 0) {
    const std::string accession = path.substr(kItem.size());
    if (accession.empty()) return jsonError(404, "no accession number given", "accession_number");
    const auto row = parts_.status.item(accession);
    if (!row) return jsonError(404, "no worklist item " + accession, "accession_number");
    return jsonOk(200, itemJson(*row, unmasked, true));
  }
  if (path == "/api/instances") return instances(request, unmasked);
  // /thumbnail/{uid}.png
  std::string name = path.substr(std::string("/thumbnail/").size());
  if (name.size() <= 4 || name.compare(name.size() - 4, 4, ".png") != 0) {
    return jsonError(404, "thumbnails are /thumbnail/{SOP Instance UID}.png");
  }
  return thumbnail(name.substr(0, name.size() - 4));
}

HttpResponse OperatorApi::page(const HttpRequest& request) {
  const auto date = requestedDate(request);
  if (!date) return jsonError(400, "date must be YYYYMMDD", "date");
  const std::string n = nonce();
  HttpResponse r;
  r.content_type = "text/html; charset=utf-8";
  r.body = renderStatusPage(parts_.status.report(*date), n);
  r.headers.emplace_back("Content-Security-Policy", pagePolicy(n));
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

namespace {

// The forwarding queue per destination and state, the oldest unsent image's wait, and what
// retention purged (ADR 0019).
std::string forwardingMetrics(const StorageState& storage) {
  std::string out =
      "# HELP gateway_forward_queue Forwarding queue rows by destination and state.\n"
      "# TYPE gateway_forward_queue gauge\n";
  for (const auto& f : storage.forwarding) {
    const std::string name = labelValue(f.backlog.destination);
    const std::pair<const char*, std::int64_t> states[] = {{"pending", f.backlog.pending},
                                                           {"sending", f.backlog.sending},
                                                           {"sent", f.backlog.sent},
                                                           {"failed", f.backlog.failed}};
    for (const auto& [state, count] : states) {
      out += "gateway_forward_queue{destination=\"" + name + "\",state=\"" + state + "\"} " +
             std::to_string(count) + "\n";
    }
  }
  out +=
      "# HELP gateway_forward_oldest_unsent_age_seconds How long the oldest unsent image has "
      "waited (0: none).\n"
      "# TYPE gateway_forward_oldest_unsent_age_seconds gauge\n";
  for (const auto& f : storage.forwarding) {
    out += "gateway_forward_oldest_unsent_age_seconds{destination=\"" +
           labelValue(f.backlog.destination) + "\"} " +
           std::to_string(std::max<long long>(0, f.oldest_unsent_age_s)) + "\n";
  }
  out +=
      "# HELP gateway_instances_purged Stored instances retention has purged.\n"
      "# TYPE gateway_instances_purged gauge\n"
      "gateway_instances_purged " +
      std::to_string(storage.purged_instances) + "\n";
  return out;
}

}  // namespace

HttpResponse OperatorApi::metrics() {
  std::string text = parts_.metrics != nullptr ? parts_.metrics->prometheusText() : std::string();
  const DiskSpace disk = diskSpace(parts_.storage_path);
  text +=
      "# HELP gateway_disk_free_bytes Bytes free for the gateway on the storage's file system.\n"
      "# TYPE gateway_disk_free_bytes gauge\n"
      "gateway_disk_free_bytes " +
      std::to_string(disk.free_bytes) + "\n" +
      "# HELP gateway_disk_total_bytes Size of the storage's file system.\n"
      "# TYPE gateway_disk_total_bytes gauge\n"
      "gateway_disk_total_bytes " +
      std::to_string(disk.total_bytes) + "\n" + forwardingMetrics(parts_.status.storage()) +
      "# HELP gateway_build_info The running version.\n"
      "# TYPE gateway_build_info gauge\n"
      "gateway_build_info{version=\"" +
      parts_.version + "\"} 1\n" +
      "# HELP gateway_http_responses_total HTTP responses of the operator's window, by status.\n"
      "# TYPE gateway_http_responses_total counter\n";
  {
    std::lock_guard lock(counts_mutex_);
    for (const auto& [status, count] : responses_) {
      text += "gateway_http_responses_total{code=\"" + std::to_string(status) + "\"} " +
              std::to_string(count) + "\n";
    }
  }
  HttpResponse r = HttpResponse::text(200, std::move(text));
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return r;
}

HttpResponse OperatorApi::process() {
  json::Json out = json::Json::object();
  out["version"] = parts_.version;
  const std::time_t now = std::time(nullptr);
  if (parts_.metrics != nullptr) {
    const MetricsSnapshot snapshot = parts_.metrics->snapshot();
    out["started_at"] = localIso(snapshot.started);
    out["uptime_s"] = static_cast<std::int64_t>(now - snapshot.started);
    out["started"] = static_cast<std::int64_t>(snapshot.started);
    json::Json last = json::Json::array();
    for (const auto& s : snapshot.services) {
      if (s.last_association) last.push_back(associationJson(*s.last_association));
    }
    out["last_associations"] = last;
  }
  return jsonOk(200, out);
}

HttpResponse OperatorApi::listWorklist(const HttpRequest& request, bool unmasked) {
  const auto date = requestedDate(request);
  if (!date) return jsonError(400, "date must be YYYYMMDD", "date");
  std::vector<std::string> statuses;
  if (const auto given = request.param("status"); given && !given->empty()) {
    std::size_t start = 0;
    while (start <= given->size()) {
      const std::size_t end = std::min(given->find(',', start), given->size());
      const std::string word = given->substr(start, end - start);
      start = end + 1;
      const auto status = mwl::parseWorklistStatus(word);
      if (!status) {
        return jsonError(400,
                         "'" + word + "' is not SCHEDULED, IN PROGRESS, COMPLETED or DISCONTINUED",
                         "status");
      }
      statuses.push_back(*status);
    }
  }
  json::Json items = json::Json::array();
  for (const auto& row : parts_.status.worklist(*date, statuses)) {
    items.push_back(itemJson(row, unmasked, false));
  }
  return jsonOk(200, items);
}

HttpResponse OperatorApi::createItems(const HttpRequest& request) {
  const bool replace = parseBool(request.param("replace"));
  // One object is one item; the import format's list (or {"items": [...]}) is many.
  std::string body = request.body;
  try {
    const auto parsed = nlohmann::json::parse(body);
    if (parsed.is_object() && !parsed.contains("items")) body = "[" + body + "]";
  } catch (const nlohmann::json::exception&) {
    // prepareWorklistImport reports the syntax error with its line.
  }
  mwl::WorklistImport import = mwl::prepareWorklistImport(body, mwl::ImportFormat::kJson);
  if (import.ok() && import.items.empty()) {
    import.errors.push_back({0, 0, "", "no worklist item in the request body"});
  }
  if (!import.ok()) {
    json::Json out = json::Json::object();
    out["error"] = std::to_string(import.errors.size()) + " problem" +
                   (import.errors.size() == 1 ? "" : "s") + ", nothing written";
    out["field"] = import.errors.front().field;
    out["errors"] = importErrors(import);
    return jsonOk(400, out);
  }

  json::Json created = json::Json::array();
  json::Json replaced = json::Json::array();
  json::Json unchanged = json::Json::array();
  json::Json conflicts = json::Json::array();
  mwl::WorklistImport to_write;
  for (auto& imported : import.items) {
    const auto stored = parts_.status.worklistStore().find(imported.item.accession_number);
    if (stored && sameAppointment(*stored, imported)) {
      unchanged.push_back(imported.item.accession_number);
      continue;
    }
    if (stored && !replace) {
      conflicts.push_back(imported.item.accession_number);
      continue;
    }
    (stored ? replaced : created).push_back(imported.item.accession_number);
    to_write.items.push_back(std::move(imported));
  }
  if (!conflicts.empty()) {
    json::Json out = json::Json::object();
    out["error"] = "accession number " + conflicts.front().get<std::string>() +
                   " is already on the worklist with different data (add ?replace=true to "
                   "overwrite it); nothing written";
    out["field"] = "accession_number";
    out["conflicts"] = conflicts;
    return jsonOk(409, out);
  }
  if (!to_write.items.empty()) {
    const auto result = parts_.feed.import(to_write, replace);
    if (!result.written) {
      // Another writer added one of these accession numbers meanwhile.
      json::Json out = json::Json::object();
      out["error"] = "the worklist changed meanwhile; nothing written";
      out["field"] = "accession_number";
      out["errors"] = importErrors(to_write);
      return jsonOk(409, out);
    }
  }
  json::Json out = json::Json::object();
  out["created"] = created;
  out["replaced"] = replaced;
  out["unchanged"] = unchanged;
  logging::http()->info("worklist written created={} replaced={} unchanged={} peer={}",
                        created.size(), replaced.size(), unchanged.size(), request.peer_address);
  return jsonOk(created.empty() ? 200 : 201, out);
}

HttpResponse OperatorApi::cancelItem(const std::string& accession, const HttpRequest& request) {
  std::string reason;
  try {
    const auto body = nlohmann::json::parse(request.body.empty() ? "{}" : request.body);
    if (!body.is_object()) return jsonError(400, "the body must be a JSON object", "reason");
    if (body.contains("reason")) {
      if (!body["reason"].is_string()) return jsonError(400, "reason must be text", "reason");
      reason = text::trim(body["reason"].get<std::string>());
    }
  } catch (const nlohmann::json::exception& e) {
    return jsonError(400, std::string("the body is not JSON: ") + e.what(), "reason");
  }
  if (reason.empty()) return jsonError(400, "a cancellation needs a reason", "reason");
  if (reason.size() > 200) return jsonError(400, "reason is longer than 200 characters", "reason");
  const auto result = parts_.lifecycle.cancel(accession, reason);
  if (result == mwl::TransitionResult::kNoItem) {
    return jsonError(404, "no worklist item " + accession, "accession_number");
  }
  const auto status = parts_.status.worklistStore().itemStatus(accession).value_or("");
  if (result == mwl::TransitionResult::kUnchanged && status != mwl::kDiscontinued) {
    return jsonError(409, "worklist item " + accession + " is " + status + " already",
                     "accession_number");
  }
  json::Json out = json::Json::object();
  out["accession_number"] = accession;
  out["status"] = status;
  out["changed"] = result == mwl::TransitionResult::kChanged;
  out["reason"] = reason;
  logging::http()->info("worklist item cancelled accession={} changed={} peer={}", accession,
                        result == mwl::TransitionResult::kChanged, request.peer_address);
  return jsonOk(200, out);
}

HttpResponse OperatorApi::instances(const HttpRequest& request, bool unmasked) {
  const auto accession = request.param("accession");
  const auto study = request.param("study");
  const auto date = request.param("date");
  const int given = (accession ? 1 : 0) + (study ? 1 : 0) + (date ? 1 : 0);
  if (given != 1) {
    return jsonError(400, "give exactly one of accession, study or date", "accession");
  }
  std::vector<pacs::StoredInstance> rows;
  auto& index = parts_.status.index();
  if (accession) {
    rows = index.findByAccession(*accession);
  } else if (study) {
    if (!dicom_values::isValidUid(*study)) return jsonError(400, "study is not a UID", "study");
    rows = index.findByStudy(*study);
  } else {
    if (!mwl::isValidDate(*date)) return jsonError(400, "date must be YYYYMMDD", "date");
    const UtcRange range = utcRangeOfLocalDay(*date);
    rows = index.storedBetween(range.from, range.to);
  }
  json::Json out = json::Json::array();
  for (const auto& row : rows) out.push_back(instanceJson(row, unmasked));
  return jsonOk(200, out);
}

HttpResponse OperatorApi::thumbnail(const std::string& uid) {
  HttpResponse r;
  r.content_type = "image/png";
  const auto row =
      dicom_values::isValidUid(uid) ? parts_.status.index().findByUid(uid) : std::nullopt;
  if (!row) {
    // The <img> shows the placeholder either way; the status says there is no such object.
    r.status = 404;
    r.body = placeholderPng();
    return r;
  }
  const auto result = parts_.thumbnails.get(*row);
  r.body = result.png;
  if (result.busy) {
    r.status = 503;
    r.headers.emplace_back("Retry-After", "2");
  } else if (!result.placeholder) {
    // Named by the file's hash: the same URL shows new pixels only if the object is replaced.
    r.headers.emplace_back("Cache-Control", "private, max-age=300");
  }
  return r;
}

}  // namespace gateway::window
