#pragma once

#include "common/json/json_writer.h"
#include "services/window/health_checks.h"
#include "services/window/status_report.h"

// The JSON of the operator's window (GET /api/..., `status --json`, `healthcheck --json`).
// Patients are masked (logging::maskPatient's rule) unless `unmasked`: the API unmasks only
// for a request with the token.
namespace gateway::window {

// An item's fields as `worklist list --json` names them, then "views" ({"LCC": 1, ...}, the
// four standard views' counts), "missing_views" and "extra_views"; with `with_images` also
// "images". Masked: patient_name -> initials, patient_id -> its last three,
// patient_birth_date -> "", and "patient" (the shown form) added.
json::Json itemJson(const WorklistRow& row, bool unmasked, bool with_images);
// sop_instance_uid, sop_class_uid, laterality, view, stored_at (local ISO 8601), ...
json::Json instanceJson(const pacs::StoredInstance& instance, bool unmasked);
// {"at" (local ISO 8601), "at_unix", "service", "calling_aet", "peer_address", "outcome"}
json::Json associationJson(const AssociationEvent& event);
json::Json servicesJson(const MetricsSnapshot& snapshot);
json::Json storageJson(const StorageState& storage);
// {"ok", "version", "uptime_s", "checks": [...], "disk": {...}, "last_associations": [...]}
json::Json healthJson(const HealthReport& report);
// The whole status page as data (masked).
json::Json statusJson(const StatusReport& report);

}  // namespace gateway::window
