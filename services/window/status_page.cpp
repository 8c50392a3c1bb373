#include "services/window/status_page.h"

#include <cstdio>

#include "common/logging/identifier_mask.h"
#include "common/text/html_escape.h"
#include "services/window/site_time.h"

namespace gateway::window {
namespace {

using text::htmlEscaped;

constexpr const char* kStyle = R"CSS(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#1d3557;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:baseline}
header h1{font-size:1.2rem;margin:0}header a{color:#cfe3ff}
main{padding:0 1rem 2rem}section{background:#fff;border-radius:6px;margin:1rem 0;padding:.6rem 1rem;box-shadow:0 1px 2px #0002}
h2{font-size:1.05rem;margin:.3rem 0 .6rem}table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e6ea;vertical-align:middle}
th{font-weight:600;color:#4a5466;font-size:.85rem}
td.view{text-align:center;font-weight:700;width:3.2rem}
td.present{color:#1a7f37;background:#e9f7ee}td.missing{color:#b42318;background:#fdecea}
tr.incomplete{outline:3px solid #d92d20;background:#fff4f2}tr.incomplete td.status{color:#b42318;font-weight:700}
.status{white-space:nowrap}.extra{font-size:.85rem;color:#6941c6}
img.thumb{height:64px;width:auto;background:#000;margin-right:2px;border-radius:2px;vertical-align:middle}
img.broken{outline:2px dashed #b42318}
.muted{color:#6b7280}.bad{color:#b42318;font-weight:600}.ok{color:#1a7f37;font-weight:600}
meter{width:16rem;max-width:100%;vertical-align:middle}
@media (max-width:700px){td,th{padding:.3rem}img.thumb{height:44px}}
)CSS";

// Marks each thumbnail with the size the browser decoded (tests read it; a broken one is
// outlined), once everything has loaded.
constexpr const char* kScript =
    "window.addEventListener('load',function(){"
    "document.querySelectorAll('img.thumb').forEach(function(i){"
    "i.setAttribute('data-size',i.naturalWidth+'x'+i.naturalHeight);"
    "if(!i.naturalWidth){i.classList.add('broken');}});"
    "document.body.setAttribute('data-loaded','1');});";

std::string dateText(const std::string& date) { return scheduledDisplay(date, ""); }

std::string shortTime(const std::string& iso) {
  // "2027-10-31T00:45:00+01:00" -> "00:45:00"
  return iso.size() >= 19 ? iso.substr(11, 8) : iso;
}

std::string thumbnail(const pacs::StoredInstance& instance, const std::string& label) {
  const std::string& uid = instance.metadata.sop_instance_uid;
  return "<img class=\"thumb\" src=\"/thumbnail/" + htmlEscaped(uid) + ".png\" alt=\"" +
         htmlEscaped(label) + "\" title=\"" + htmlEscaped(label) + "\" data-uid=\"" +
         htmlEscaped(uid) + "\">";
}

void worklistSection(const StatusReport& report, std::string& out) {
  out += "<section id=\"worklist\"><h2>Worklist " + htmlEscaped(dateText(report.date)) +
         " <span class=\"muted\">(" + std::to_string(report.worklist.size()) +
         " appointments)</span></h2>";
  if (report.worklist.empty()) {
    out += "<p class=\"muted\">No appointments on this day.</p></section>";
    return;
  }
  out += "<table><thead><tr><th>Time</th><th>Patient</th><th>Accession</th><th>Status</th>";
  for (const char* view : kStandardViews) out += std::string("<th>") + view + "</th>";
  out += "<th>Other views</th><th>Images</th></tr></thead><tbody>";
  for (const auto& row : report.worklist) {
    const auto& item = row.item;
    out += "<tr class=\"item" + std::string(row.incomplete() ? " incomplete" : "") +
           "\" data-accession=\"" + htmlEscaped(item.accession_number) + "\" data-status=\"" +
           htmlEscaped(item.status) + "\">";
    out += "<td class=\"time\">" + htmlEscaped(scheduledDisplay("", item.scheduled_time)) + "</td>";
    out += "<td class=\"patient\">" +
           htmlEscaped(logging::maskPatient(item.patient_name, item.patient_id)) + "</td>";
    out += "<td class=\"accession\">" + htmlEscaped(item.accession_number) + "</td>";
    out += "<td class=\"status\">" + htmlEscaped(item.status) +
           (row.incomplete() ? " &ndash; views missing" : "") + "</td>";
    for (const char* view : kStandardViews) {
      const int count = row.views.standard.at(view);
      out +=
          std::string("<td class=\"view ") + (count > 0 ? "present" : "missing") +
          "\" data-view=\"" + view + "\" title=\"" + view + (count > 0 ? " received" : " missing") +
          "\">" +
          (count > 0 ? (count > 1 ? std::to_string(count) + "&times;" : "&#10003;") : "&#10007;") +
          "</td>";
    }
    out += "<td class=\"extra\">";
    bool first = true;
    for (const auto& [view, count] : row.views.extra) {
      out += (first ? "" : ", ") + htmlEscaped(view) +
             (count > 1 ? " &times;" + std::to_string(count) : "");
      first = false;
    }
    out += "</td><td class=\"images\">";
    for (const auto& image : row.images) {
      const std::string view = viewName(image.metadata);
      out += thumbnail(image, view.empty() ? image.metadata.modality : view);
    }
    out += "</td></tr>";
  }
  out += "</tbody></table></section>";
}

void unlinkedSection(const StatusReport& report, std::string& out) {
  out += "<section id=\"unlinked\"><h2>Images not linked to an appointment";
  out += report.unlinked.empty()
             ? "</h2><p class=\"muted\">None.</p></section>"
             : " <span class=\"bad\">(" + std::to_string(report.unlinked.size()) + ")</span></h2>";
  if (report.unlinked.empty()) return;
  out +=
      "<table><thead><tr><th>Stored</th><th>Patient</th><th>Accession</th><th>From AE</th>"
      "<th>View</th><th>Image</th></tr></thead><tbody>";
  for (const auto& i : report.unlinked) {
    const auto& m = i.metadata;
    const std::string view = viewName(m);
    out += "<tr class=\"unlinked\" data-uid=\"" + htmlEscaped(m.sop_instance_uid) + "\">";
    out += "<td>" + htmlEscaped(shortTime(localIsoFromUtc(i.created_at))) + "</td>";
    out += "<td>" + htmlEscaped(logging::maskPatient(m.patient_name, m.patient_id)) + "</td>";
    out += "<td class=\"accession\">" +
           (m.accession_number.empty() ? std::string("<span class=\"bad\">none</span>")
                                       : htmlEscaped(m.accession_number) +
                                             " <span class=\"bad\">(not on the worklist)</span>") +
           "</td>";
    out += "<td class=\"source\">" + htmlEscaped(i.source_aet) + "</td>";
    out += "<td>" + htmlEscaped(view) + "</td>";
    out += "<td>" + thumbnail(i, view.empty() ? m.modality : view) + "</td></tr>";
  }
  out += "</tbody></table></section>";
}

void servicesSection(const StatusReport& report, std::string& out) {
  out += "<section id=\"services\"><h2>Services</h2>";
  if (!report.services) {
    out += "<p class=\"muted\">Not running.</p></section>";
    return;
  }
  const auto& snapshot = *report.services;
  out +=
      "<table><thead><tr><th>Service</th><th>AE</th><th>Port</th><th>Up since</th>"
      "<th>Last association</th><th>Stored</th><th>Refused</th><th>Queries</th>"
      "<th>MPPS</th><th>Failures</th></tr></thead><tbody>";
  for (const auto& s : snapshot.services) {
    out += "<tr class=\"service\" data-service=\"" + htmlEscaped(s.name) + "\"><td>" +
           htmlEscaped(s.name) + "</td><td>" + htmlEscaped(s.aet) + "</td><td>" +
           std::to_string(s.port) + "</td><td>" + htmlEscaped(localIso(s.up_since)) + "</td><td>";
    if (s.last_association) {
      const auto& a = *s.last_association;
      out += htmlEscaped(shortTime(localIso(a.at))) + " " +
             htmlEscaped(a.calling_aet.empty() ? a.peer_address : a.calling_aet) +
             " <span class=\"" + (a.outcome == "released" ? "ok" : "bad") + "\">" +
             htmlEscaped(a.outcome) + "</span>";
    } else {
      out += "<span class=\"muted\">none yet</span>";
    }
    out += "</td><td class=\"stored\">" + std::to_string(s.today.stored) + "</td><td>" +
           std::to_string(s.today.refused) + "</td><td>" + std::to_string(s.today.queries) +
           "</td><td>" + std::to_string(s.today.mpps) + "</td><td>" +
           std::to_string(s.today.failures) + "</td></tr>";
  }
  out += "</tbody></table><h2>Last failures</h2>";
  if (snapshot.failures.empty()) {
    out += "<p class=\"muted\">None since start.</p>";
  } else {
    out +=
        "<table><thead><tr><th>When</th><th>Service</th><th>Phase</th><th>Calling AE</th>"
        "<th>Peer</th><th>Reason</th></tr></thead><tbody>";
    for (const auto& f : snapshot.failures) {
      out += "<tr class=\"failure\"><td>" + htmlEscaped(localIso(f.at)) + "</td><td>" +
             htmlEscaped(f.service) + "</td><td>" + htmlEscaped(f.phase) + "</td><td>" +
             htmlEscaped(f.calling_aet) + "</td><td>" + htmlEscaped(f.peer_address) + "</td><td>" +
             htmlEscaped(f.reason) + "</td></tr>";
    }
    out += "</tbody></table>";
  }
  // A health check's or the container's own C-ECHO is the last association of a service
  // most of the time; the modalities' own last contact is here.
  out += "<h2>Remote AEs</h2>";
  if (snapshot.peers.empty()) {
    out += "<p class=\"muted\">None since start.</p>";
  } else {
    out +=
        "<table><thead><tr><th>Calling AE</th><th>Last association</th><th>Service</th>"
        "<th>Peer</th><th>Outcome</th></tr></thead><tbody>";
    for (const auto& p : snapshot.peers) {
      out += "<tr class=\"peer\"><td>" + htmlEscaped(p.calling_aet) + "</td><td>" +
             htmlEscaped(localIso(p.at)) + "</td><td>" + htmlEscaped(p.service) + "</td><td>" +
             htmlEscaped(p.peer_address) + "</td><td>" + htmlEscaped(p.outcome) + "</td></tr>";
    }
    out += "</tbody></table>";
  }
  out += "</section>";
}

void storageSection(const StatusReport& report, std::string& out) {
  const auto& disk = report.storage.disk;
  out += "<section id=\"storage\"><h2>Storage</h2>";
  if (!disk.known) {
    out += "<p class=\"bad\">The storage's file system cannot be read.</p>";
  } else {
    const double used = 100.0 - disk.free_percent;
    char percent[16];
    std::snprintf(percent, sizeof(percent), "%.1f", used);
    out += "<p>Images stored: " + bytesText(report.storage.store_bytes) +
           ". Disk: " + bytesText(disk.total_bytes - disk.free_bytes) + " used, " +
           bytesText(disk.free_bytes) + " free (<span class=\"" +
           (disk.free_percent < 10 ? "bad" : "ok") + "\">" + percent +
           "% used</span>) <meter min=\"0\" max=\"100\" low=\"80\" high=\"90\" optimum=\"0\" "
           "value=\"" +
           percent + "\"></meter></p>";
  }
  const auto& forwarding = report.storage.forwarding;
  if (forwarding.empty()) {
    out += "<p class=\"muted\">Forwarding: none configured.</p>";
  } else {
    out += "<h3>Forwarding</h3><ul id=\"forwarding\">";
    for (const auto& f : forwarding) {
      const auto& b = f.backlog;
      const bool trouble = b.failed > 0 || (f.waiting() > 0 && !b.last_error.empty());
      out += "<li class=\"" + std::string(trouble ? "bad" : "ok") + "\"><strong>" +
             htmlEscaped(b.destination) + "</strong>: ";
      if (f.waiting() == 0) {
        out += "nothing waiting";
      } else {
        out += std::to_string(f.waiting()) + " waiting";
        if (f.oldest_unsent_age_s >= 0) {
          out += ", oldest " + durationText(f.oldest_unsent_age_s);
        }
      }
      out += ", " + std::to_string(b.sent) + " sent";
      if (b.failed > 0) out += ", " + std::to_string(b.failed) + " failed";
      if (!b.last_error.empty()) out += ". Last error: " + htmlEscaped(b.last_error);
      out += "</li>";
    }
    out += "</ul>";
  }
  if (report.storage.purged_instances > 0) {
    out += "<p class=\"muted\">" + std::to_string(report.storage.purged_instances) +
           " forwarded images purged by retention.</p>";
  }
  out += "</section>";
}

}  // namespace

std::string bytesText(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

std::string pagePolicy(const std::string& nonce) {
  return "default-src 'none'; img-src 'self'; style-src 'nonce-" + nonce + "'; script-src 'nonce-" +
         nonce +
         "'; base-uri 'none'; form-action 'none'; "
         "frame-ancestors 'none'";
}

std::string renderStatusPage(const StatusReport& report, const std::string& nonce,
                             int refresh_seconds) {
  const std::string n = htmlEscaped(nonce);
  std::string out =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<meta http-equiv=\"refresh\" content=\"" +
      std::to_string(refresh_seconds) + "\"><title>Screening Gateway</title><style nonce=\"" + n +
      "\">" + kStyle + "</style></head><body><header><h1>Screening Gateway</h1>";
  const std::string date = report.date;
  out += "<nav><a href=\"/?date=" + htmlEscaped(previousDate(date)) + "\">&larr; " +
         htmlEscaped(dateText(previousDate(date))) + "</a> &middot; <a href=\"/\">today</a>" +
         " &middot; <a href=\"/?date=" + htmlEscaped(nextDate(date)) + "\">" +
         htmlEscaped(dateText(nextDate(date))) + " &rarr;</a></nav>";
  out += "<span class=\"generated\">" + htmlEscaped(report.generated_at) + " " +
         htmlEscaped(report.timezone) + "</span></header><main>";
  worklistSection(report, out);
  unlinkedSection(report, out);
  servicesSection(report, out);
  storageSection(report, out);
  out += "</main><script nonce=\"" + n + "\">" + kScript + "</script></body></html>\n";
  return out;
}

}  // namespace gateway::window
