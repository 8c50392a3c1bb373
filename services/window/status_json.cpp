#include "services/window/status_json.h"

#include "common/logging/identifier_mask.h"
#include "services/window/site_time.h"

namespace gateway::window {
namespace {

json::Json diskJson(const DiskSpace& disk) {
  json::Json out = json::Json::object();
  out["free_bytes"] = disk.free_bytes;
  out["free_percent"] = static_cast<double>(static_cast<long long>(disk.free_percent * 10)) / 10;
  out["total_bytes"] = disk.total_bytes;
  return out;
}

}  // namespace

json::Json associationJson(const AssociationEvent& event) {
  json::Json out = json::Json::object();
  out["at"] = localIso(event.at);
  out["at_unix"] = static_cast<std::int64_t>(event.at);
  out["service"] = event.service;
  out["calling_aet"] = event.calling_aet;
  out["peer_address"] = event.peer_address;
  out["outcome"] = event.outcome;
  return out;
}

json::Json instanceJson(const pacs::StoredInstance& instance, bool unmasked) {
  const auto& m = instance.metadata;
  json::Json out = json::Json::object();
  out["sop_instance_uid"] = m.sop_instance_uid;
  out["sop_class_uid"] = m.sop_class_uid;
  out["laterality"] = m.image_laterality;
  out["view"] = viewName(m);
  out["view_position"] = m.view_position;
  out["view_code"] = m.view_code;
  out["view_modifiers"] = m.view_modifiers;
  out["stored_at"] = localIsoFromUtc(instance.created_at);
  out["accession_number"] = m.accession_number;
  out["worklist_accession"] = instance.worklist_accession;
  out["study_instance_uid"] = m.study_instance_uid;
  out["series_instance_uid"] = m.series_instance_uid;
  out["modality"] = m.modality;
  out["source_aet"] = instance.source_aet;
  out["file_size"] = instance.file_size;
  out["status"] = instance.status;
  out["flags"] = instance.flags;
  out["patient"] = logging::maskPatient(m.patient_name, m.patient_id);
  if (unmasked) {
    out["patient_name"] = m.patient_name;
    out["patient_id"] = m.patient_id;
  }
  out["thumbnail"] = "/thumbnail/" + m.sop_instance_uid + ".png";
  return out;
}

json::Json itemJson(const WorklistRow& row, bool unmasked, bool with_images) {
  json::Json out = json::Json::object();
  for (const auto& field : mwl::worklistFields()) out[field.name] = row.item.*(field.member);
  if (!unmasked) {
    out["patient_name"] = logging::nameInitials(row.item.patient_name);
    out["patient_id"] = logging::idTail(row.item.patient_id);
    out["patient_birth_date"] = "";
  }
  out["patient"] = logging::maskPatient(row.item.patient_name, row.item.patient_id);
  json::Json views = json::Json::object();
  for (const char* view : kStandardViews) views[view] = row.views.standard.at(view);
  out["views"] = views;
  out["missing_views"] = row.views.missing;
  json::Json extra = json::Json::object();
  for (const auto& [view, count] : row.views.extra) extra[view] = count;
  out["extra_views"] = extra;
  out["incomplete"] = row.incomplete();
  out["image_count"] = row.images.size();
  if (with_images) {
    json::Json images = json::Json::array();
    for (const auto& image : row.images) images.push_back(instanceJson(image, unmasked));
    out["images"] = images;
  }
  return out;
}

json::Json servicesJson(const MetricsSnapshot& snapshot) {
  json::Json out = json::Json::object();
  out["started_at"] = localIso(snapshot.started);
  json::Json services = json::Json::array();
  for (const auto& s : snapshot.services) {
    json::Json service = json::Json::object();
    service["name"] = s.name;
    service["aet"] = s.aet;
    service["port"] = s.port;
    service["up_since"] = localIso(s.up_since);
    service["last_association"] =
        s.last_association ? associationJson(*s.last_association) : json::Json();
    json::Json today = json::Json::object();
    today["date"] = s.today.date;
    today["associations"] = s.today.associations;
    today["stored"] = s.today.stored;
    today["stored_bytes"] = s.today.stored_bytes;
    today["refused"] = s.today.refused;
    today["queries"] = s.today.queries;
    today["mpps"] = s.today.mpps;
    today["echoes"] = s.today.echoes;
    today["failures"] = s.today.failures;
    service["today"] = today;
    services.push_back(service);
  }
  out["services"] = services;
  json::Json failures = json::Json::array();
  for (const auto& f : snapshot.failures) {
    json::Json failure = json::Json::object();
    failure["at"] = localIso(f.at);
    failure["service"] = f.service;
    failure["phase"] = f.phase;
    failure["calling_aet"] = f.calling_aet;
    failure["peer_address"] = f.peer_address;
    failure["reason"] = f.reason;
    failures.push_back(failure);
  }
  out["failures"] = failures;
  json::Json peers = json::Json::array();
  for (const auto& p : snapshot.peers) peers.push_back(associationJson(p));
  out["peers"] = peers;
  return out;
}

json::Json storageJson(const StorageState& storage) {
  json::Json out = json::Json::object();
  out["store_bytes"] = storage.store_bytes;
  out["disk"] = diskJson(storage.disk);
  out["used_percent"] =
      storage.disk.known
          ? static_cast<double>(static_cast<long long>((100.0 - storage.disk.free_percent) * 10)) /
                10
          : 0.0;
  json::Json forwarding = json::Json::array();
  for (const auto& f : storage.forwarding) {
    json::Json d = json::Json::object();
    d["name"] = f.backlog.destination;
    d["pending"] = f.backlog.pending;
    d["sending"] = f.backlog.sending;
    d["sent"] = f.backlog.sent;
    d["failed"] = f.backlog.failed;
    d["oldest_unsent_queued_at"] = f.backlog.oldest_unsent_queued_at;  // UTC
    d["oldest_unsent_age_s"] =
        f.oldest_unsent_age_s < 0 ? json::Json() : json::Json(f.oldest_unsent_age_s);
    d["last_error"] = f.backlog.last_error;
    forwarding.push_back(std::move(d));
  }
  out["forwarding"] = std::move(forwarding);
  out["purged_instances"] = storage.purged_instances;
  return out;
}

json::Json healthJson(const HealthReport& report) {
  json::Json out = json::Json::object();
  out["ok"] = report.ok();
  out["version"] = report.version;
  out["uptime_s"] = report.uptime_s;
  if (report.started != 0) out["started_at"] = localIso(report.started);
  json::Json checks = json::Json::array();
  for (const auto& c : report.checks) {
    json::Json check = json::Json::object();
    check["name"] = c.name;
    check["ok"] = c.ok;
    check["phase"] = c.phase;
    check["detail"] = c.detail;
    checks.push_back(check);
  }
  out["checks"] = checks;
  out["disk"] = diskJson(report.disk);
  json::Json last = json::Json::array();
  for (const auto& a : report.last_associations) last.push_back(associationJson(a));
  out["last_associations"] = last;
  return out;
}

json::Json statusJson(const StatusReport& report) {
  json::Json out = json::Json::object();
  out["date"] = report.date;
  out["today"] = report.today;
  out["generated_at"] = report.generated_at;
  out["timezone"] = report.timezone;
  json::Json items = json::Json::array();
  for (const auto& row : report.worklist) items.push_back(itemJson(row, false, true));
  out["worklist"] = items;
  json::Json unlinked = json::Json::array();
  for (const auto& i : report.unlinked) unlinked.push_back(instanceJson(i, false));
  out["unlinked"] = unlinked;
  out["storage"] = storageJson(report.storage);
  out["services"] = report.services ? servicesJson(*report.services) : json::Json();
  return out;
}

}  // namespace gateway::window
