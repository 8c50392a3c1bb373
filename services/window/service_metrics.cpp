#include "services/window/service_metrics.h"

#include <dcmtk/dcmnet/dimse.h>

#include <algorithm>
#include <cstdio>

#include "common/dicom/dimse_command.h"
#include "common/dicom/dimse_status.h"
#include "services/window/site_time.h"

namespace gateway::window {

std::string labelValue(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

std::string statusHex(std::uint16_t status) {
  char text[8];
  std::snprintf(text, sizeof(text), "0x%04X", status);
  return text;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.6g", value);
  return text;
}

}  // namespace

ServiceMetrics::ServiceMetrics(Clock now)
    : now_(now ? std::move(now) : Clock([] { return std::time(nullptr); })), started_(now_()) {}

std::string ServiceMetrics::outcomeLabel(const std::string& outcome) {
  if (outcome == "released") return "released";
  if (outcome.rfind("rejected", 0) == 0) return "rejected";
  return "aborted";
}

std::string ServiceMetrics::commandLabel(std::uint16_t command_field) {
  std::string name = dicom::commandName(command_field);
  if (name.size() > 3 && name.compare(name.size() - 3, 3, "-RQ") == 0) name.resize(name.size() - 3);
  return name;
}

void ServiceMetrics::addService(const std::string& name, const std::string& aet,
                                std::uint16_t port) {
  std::lock_guard lock(mutex_);
  ServiceState& s = state(name);
  s.aet = aet;
  s.port = port;
  s.up_since = now_();
}

ServiceState& ServiceMetrics::state(const std::string& service) {
  for (auto& s : services_) {
    if (s.name == service) return s;
  }
  ServiceState s;
  s.name = service;
  s.up_since = now_();
  services_.push_back(std::move(s));
  return services_.back();
}

DayCounts& ServiceMetrics::today(ServiceState& s) {
  const std::string date = localDate(now_());
  if (s.today.date != date) {
    s.today = DayCounts{};
    s.today.date = date;
  }
  return s.today;
}

void ServiceMetrics::remember(const AssociationEvent& event) {
  state(event.service).last_association = event;
  if (event.calling_aet.empty()) return;
  peers_[event.calling_aet] = event;
  if (peers_.size() > kPeersKept) {
    auto oldest = std::min_element(peers_.begin(), peers_.end(), [](const auto& a, const auto& b) {
      return a.second.at < b.second.at;
    });
    peers_.erase(oldest);
  }
}

void ServiceMetrics::fail(FailureEvent event) {
  ++today(state(event.service)).failures;
  failures_.push_front(std::move(event));
  if (failures_.size() > kFailuresKept) failures_.pop_back();
}

void ServiceMetrics::associationRefused(const std::string& service,
                                        const dicom::AssociationContext& context,
                                        const std::string& reason) {
  std::lock_guard lock(mutex_);
  ++associations_[{service, "rejected"}];
  ++today(state(service)).associations;
  const std::time_t at = now_();
  remember({at, service, context.calling_aet, context.peer_address, "rejected: " + reason});
  fail({at, service, "association", context.calling_aet, context.peer_address, reason});
}

void ServiceMetrics::associationClosed(const std::string& service,
                                       const dicom::AssociationContext& context,
                                       const std::string& outcome, std::chrono::milliseconds) {
  std::lock_guard lock(mutex_);
  ++associations_[{service, outcomeLabel(outcome)}];
  ++today(state(service)).associations;
  const std::time_t at = now_();
  remember({at, service, context.calling_aet, context.peer_address, outcome});
  if (outcome != "released") {
    fail({at, service, "association", context.calling_aet, context.peer_address, outcome});
  }
}

void ServiceMetrics::requestAnswered(const std::string& service,
                                     const dicom::AssociationContext& context,
                                     const dicom::AnsweredRequest& request) {
  std::lock_guard lock(mutex_);
  const std::string command = commandLabel(request.command_field);
  ++responses_[{service, command, statusHex(request.status)}];
  Histogram& histogram = durations_[{service, command}];
  const double seconds = static_cast<double>(request.duration.count()) / 1000.0;
  ++histogram.count;
  histogram.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++histogram.buckets[i];
      break;
    }
  }
  DayCounts& day = today(state(service));
  const bool failed = dicom::status::isFailure(request.status);
  switch (request.command_field) {
    case DIMSE_C_STORE_RQ:
      received_bytes_[service] += request.bytes;
      if (failed) {
        ++day.refused;
      } else {
        ++day.stored;
        day.stored_bytes += request.bytes;
        ++stored_objects_[service];
        stored_bytes_[service] += request.bytes;
      }
      break;
    case DIMSE_C_FIND_RQ:
      ++day.queries;
      break;
    case DIMSE_N_CREATE_RQ:
    case DIMSE_N_SET_RQ:
      ++day.mpps;
      break;
    case DIMSE_C_ECHO_RQ:
      ++day.echoes;
      break;
    default:
      break;
  }
  if (failed) {
    std::string reason = "status " + dicom::status::format(request.status);
    if (!request.comment.empty()) reason += ": " + request.comment.substr(0, 200);
    fail({now_(), service, command, context.calling_aet, context.peer_address, reason});
  }
}

MetricsSnapshot ServiceMetrics::snapshot() const {
  std::lock_guard lock(mutex_);
  MetricsSnapshot out;
  out.started = started_;
  out.services = services_;
  const std::string date = localDate(now_());
  for (auto& s : out.services) {
    if (s.today.date != date) {
      s.today = DayCounts{};
      s.today.date = date;
    }
  }
  out.failures.assign(failures_.begin(), failures_.end());
  for (const auto& [aet, event] : peers_) out.peers.push_back(event);
  std::sort(out.peers.begin(), out.peers.end(),
            [](const auto& a, const auto& b) { return a.at > b.at; });
  return out;
}

std::string ServiceMetrics::prometheusText() const {
  std::lock_guard lock(mutex_);
  std::string out;
  auto header = [&out](const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  header("gateway_associations_total", "counter",
         "DICOM associations by service and outcome (released, aborted, rejected).");
  for (const auto& s : services_) {
    for (const char* outcome : {"released", "aborted", "rejected"}) {
      const auto it = associations_.find({s.name, outcome});
      out += "gateway_associations_total{service=\"" + labelValue(s.name) + "\",outcome=\"" +
             outcome + "\"} " + std::to_string(it == associations_.end() ? 0 : it->second) + "\n";
    }
  }
  header("gateway_dimse_responses_total", "counter",
         "Final DIMSE responses sent, by service, command and status.");
  for (const auto& [key, count] : responses_) {
    const auto& [service, command, status] = key;
    out += "gateway_dimse_responses_total{service=\"" + labelValue(service) + "\",command=\"" +
           labelValue(command) + "\",status=\"" + status + "\"} " + std::to_string(count) + "\n";
  }
  header("gateway_objects_stored_total", "counter", "Objects stored (C-STORE success or warning).");
  for (const auto& s : services_) {
    const auto it = stored_objects_.find(s.name);
    if (it == stored_objects_.end() && s.name != "pacs") continue;
    out += "gateway_objects_stored_total{service=\"" + labelValue(s.name) + "\"} " +
           std::to_string(it == stored_objects_.end() ? 0 : it->second) + "\n";
  }
  header("gateway_stored_bytes_total", "counter", "Dataset bytes of the objects stored.");
  for (const auto& s : services_) {
    const auto it = stored_bytes_.find(s.name);
    if (it == stored_bytes_.end() && s.name != "pacs") continue;
    out += "gateway_stored_bytes_total{service=\"" + labelValue(s.name) + "\"} " +
           std::to_string(it == stored_bytes_.end() ? 0 : it->second) + "\n";
  }
  header("gateway_request_duration_seconds", "histogram",
         "Time from a DIMSE request's arrival to its final response, by service and command.");
  for (const auto& [key, h] : durations_) {
    const std::string labels =
        "service=\"" + labelValue(key.first) + "\",command=\"" + labelValue(key.second) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out += "gateway_request_duration_seconds_bucket{" + labels + ",le=\"" + number(kBuckets[i]) +
             "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "gateway_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "gateway_request_duration_seconds_sum{" + labels + "} " + number(h.sum) + "\n";
    out +=
        "gateway_request_duration_seconds_count{" + labels + "} " + std::to_string(h.count) + "\n";
  }
  header("gateway_start_time_seconds", "gauge", "When the process started (Unix time).");
  out += "gateway_start_time_seconds " + std::to_string(started_) + "\n";
  return out;
}

}  // namespace gateway::window
