// `screening-gateway status`: the status page on the command line.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "common/logging/peer_text.h"
#include "common/text/utf8.h"
#include "services/mwl/worklist_store.h"
#include "services/mwl/worklist_validation.h"
#include "services/pacs/instance_index.h"
#include "services/supervisor/cli_options.h"
#include "services/supervisor/commands.h"
#include "services/window/remote_health.h"
#include "services/window/site_time.h"
#include "services/window/status_json.h"
#include "services/window/status_page.h"
#include "services/window/status_report.h"
#include "services/window/view_summary.h"

namespace gateway::supervisor {
namespace {

std::string text(const json::Json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return {};
  const auto& value = object[key];
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return {};
  return value.dump();
}

std::string padded(const std::string& value, std::size_t width) {
  std::string out = value;
  // Pads by characters, not bytes (patient initials may be any script).
  const std::size_t chars = text::countCodePoints(value);
  if (chars < width) out.append(width - chars, ' ');
  return out + " ";
}

// The report as a person reads it: the same sections as the page.
void printText(const json::Json& status, const json::Json& health) {
  const auto& items = status["worklist"];
  std::cout << "Worklist " << window::scheduledDisplay(text(status, "date"), "") << " ("
            << text(status, "timezone") << "): " << items.size() << " appointments\n";
  if (!items.empty()) {
    std::cout << padded("TIME", 5) << padded("PATIENT", 12) << padded("ACCESSION", 17)
              << padded("STATUS", 12);
    for (const char* view : window::kStandardViews) std::cout << padded(view, 5);
    std::cout << "OTHER\n";
    for (const auto& item : items) {
      std::cout << padded(window::scheduledDisplay("", text(item, "scheduled_time")), 5)
                << padded(text(item, "patient"), 12) << padded(text(item, "accession_number"), 17)
                << padded(text(item, "status"), 12);
      for (const char* view : window::kStandardViews) {
        std::cout << padded(item["views"].value(view, 0) > 0 ? "ok" : "--", 5);
      }
      std::string other;
      for (const auto& [view, count] : item["extra_views"].items()) {
        other += (other.empty() ? "" : ",") + view;
      }
      if (item.value("incomplete", false)) {
        other += std::string(other.empty() ? "" : " ") + "COMPLETED WITH VIEWS MISSING:";
        for (const auto& view : item["missing_views"]) other += " " + view.get<std::string>();
      }
      std::cout << other << "\n";
    }
  }
  const auto& unlinked = status["unlinked"];
  std::cout << "Images not linked to an appointment: " << unlinked.size() << "\n";
  for (const auto& image : unlinked) {
    const std::string accession = text(image, "accession_number");
    std::cout << "  " << text(image, "stored_at") << " from " << text(image, "source_aet")
              << " accession " << (accession.empty() ? "(none)" : accession) << " "
              << text(image, "view") << " " << text(image, "sop_instance_uid") << "\n";
  }
  const auto& services = status["services"];
  if (services.is_object()) {
    for (const auto& s : services["services"]) {
      const auto& today = s["today"];
      std::cout << "Service " << text(s, "name") << " " << text(s, "aet") << " port "
                << s.value("port", 0) << ", up since " << text(s, "up_since") << "; today "
                << today.value("stored", 0) << " stored, " << today.value("refused", 0)
                << " refused, " << today.value("queries", 0) << " queries, "
                << today.value("mpps", 0) << " MPPS";
      const auto& last = s["last_association"];
      if (last.is_object()) {
        std::cout << "; last association " << text(last, "at") << " " << text(last, "calling_aet")
                  << " " << text(last, "outcome");
      }
      std::cout << "\n";
    }
    for (const auto& f : services["failures"]) {
      std::cout << "  failure " << text(f, "at") << " " << text(f, "service") << " "
                << text(f, "phase") << " " << text(f, "calling_aet") << ": " << text(f, "reason")
                << "\n";
    }
  } else {
    std::cout << "Services: the running gateway could not be asked (its HTTP server is off or "
                 "unreachable)\n";
  }
  const auto& storage = status["storage"];
  const auto& disk = storage["disk"];
  std::cout << "Storage: " << window::bytesText(storage.value("store_bytes", std::uint64_t{0}))
            << " of images; disk " << window::bytesText(disk.value("free_bytes", std::uint64_t{0}))
            << " free (" << disk.value("free_percent", 0.0) << "% free)\n";
  for (const auto& f : storage["forwarding"]) {
    std::cout << "Forwarding " << logging::escaped(text(f, "name")) << ": "
              << f.value("pending", 0) + f.value("sending", 0) << " waiting";
    if (f.contains("oldest_unsent_age_s") && f["oldest_unsent_age_s"].is_number()) {
      std::cout << " (oldest " << window::durationText(f["oldest_unsent_age_s"].get<long long>())
                << ")";
    }
    std::cout << ", " << f.value("sent", 0) << " sent, " << f.value("failed", 0) << " failed";
    if (!text(f, "last_error").empty()) {
      std::cout << "; last error: " << logging::escaped(text(f, "last_error"), 300);
    }
    std::cout << "\n";
  }
  if (storage.value("purged_instances", 0) > 0) {
    std::cout << "Retention: " << storage.value("purged_instances", 0)
              << " forwarded images purged\n";
  }
  std::cout << "Health: " << (health.value("ok", false) ? "healthy" : "UNHEALTHY") << " (version "
            << text(health, "version") << ", up " << health.value("uptime_s", 0) << " s)";
  for (const auto& check : health["checks"]) {
    std::cout << (check.value("ok", false) ? "; " : "; FAILED ") << text(check, "name") << " "
              << text(check, "detail");
  }
  std::cout << "\n";
}

int runStatus(const config::GatewayConfig& config, const StatusOptions& options) {
  const std::string date =
      options.date.empty() ? window::localDate(std::time(nullptr)) : options.date;
  const auto timeout = std::chrono::seconds(options.timeout_seconds);
  // The running process has everything the page shows (its services' counters too); ask it
  // first, and read the databases only when it cannot be asked.
  std::string error;
  std::optional<json::Json> status =
      window::askRunningGateway(config, options.host, "/api/status?date=" + date, timeout, error);
  if (!status) {
    try {
      if (!std::filesystem::exists(config.mwl.db_path)) {
        std::cerr << "screening-gateway: no worklist database at " << config.mwl.db_path.string()
                  << " (MWL_DB_PATH)\n";
        return 1;
      }
      if (!std::filesystem::exists(config.pacs.db_path)) {
        std::cerr << "screening-gateway: no index at " << config.pacs.db_path.string()
                  << " (PACS_DB_PATH)\n";
        return 1;
      }
      mwl::WorklistStore store(config.mwl.db_path);
      pacs::InstanceIndex index(config.pacs.db_path);
      const auto queue = window::forwardQueueFor(config);
      window::StatusSource source(store, index, config.pacs.storage_path, nullptr,
                                  window::forwardingSourceFor(config, queue.get()));
      status = window::statusJson(source.report(date));
    } catch (const std::exception& e) {
      std::cerr << "screening-gateway: status failed: " << e.what() << "\n";
      return 1;
    }
  }
  window::TrafficOptions traffic;
  traffic.host = options.host;
  traffic.timeout = timeout;
  traffic.calling_aet = "STATUS";
  const json::Json health =
      window::healthJson(window::healthFromOutside(config, traffic, versionText(), false));
  if (options.json) {
    json::Json out = *status;
    out["health"] = health;
    std::cout << json::toJsonLine(out) << "\n";
  } else {
    printText(*status, health);
  }
  return 0;
}

}  // namespace

std::vector<std::string> operatorWindowSettings() {
  // The traffic checks call every DICOM port, plain and TLS.
  return {"pacs.aet",
          "pacs.port",
          "pacs.tls_port",
          "mwl.aet",
          "mwl.port",
          "mwl.tls_port",
          "tls.",
          "network.dimse_timeout",
          "pacs.db_path",
          "mwl.db_path",
          "pacs.storage_path",
          "http.",
          "timezone",
          "log_level"};
}

CommandDeclaration statusCommand() {
  CommandDeclaration command;
  command.name = "status";
  command.summary = "today's worklist with the views received, unlinked images and health";
  command.description =
      "Prints what the status page shows: the day's worklist (local time, GATEWAY_TIMEZONE)\n"
      "with the views received for each participant (LCC, LMLO, RCC, RMLO and others),\n"
      "images not linked to any appointment, each service's counts and last failures,\n"
      "storage, and the health summary (C-ECHO, worklist C-FIND, disk). Patients are\n"
      "masked as on the page. The running gateway is asked over its HTTP API\n"
      "(GATEWAY_HTTP_PORT); when it cannot be, the databases are read instead (then\n"
      "without the services' counters).\n";
  command.footer = "Exit 0 when the report was printed, 1 when it could not be made.\n";
  command.settings = operatorWindowSettings();
  command.declare = [](CLI::App& app, CommandLine& command_line) {
    StatusOptions& options = command_line.status;
    addValueOption(app, "--date", "YYYYMMDD", "the day to show (default today, local time)",
                   [&options](const std::string& value) -> std::optional<std::string> {
                     if (!mwl::isValidDate(value)) return "'" + value + "' is not a date YYYYMMDD";
                     options.date = value;
                     return std::nullopt;
                   });
    addSwitch(app, "--json", "print the report as one JSON object", options.json);
    addValueOption(app, "--host", "HOST", "where the gateway runs (default 127.0.0.1)",
                   textInto(options.host));
    addValueOption(app, "--timeout", "SECONDS", "limit of each exchange, 1-300 (default 5)",
                   integerInto(options.timeout_seconds, 1, 300));
  };
  command.run = runWith(runStatus, &CommandLine::status);
  return command;
}

}  // namespace gateway::supervisor
