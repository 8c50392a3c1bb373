// `screening-gateway forward ...`: the store-and-forward queue (ADR 0019) for the operator:
// what waits for which destination, what failed and why, retry now.
#include <CLI/CLI.hpp>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>

#include "common/config/value_parsers.h"
#include "common/json/json_writer.h"
#include "common/logging/peer_text.h"
#include "services/pacs/forward_queue.h"
#include "services/supervisor/cli_options.h"
#include "services/supervisor/commands.h"
#include "services/window/site_time.h"

namespace gateway::supervisor {
namespace {

const std::vector<std::string> kForwardSettings = {
    "pacs.db_path",         "forward_dicom", "forward_stow_url", "forward_stow_token_file",
    "forward_stow_ca_file", "log_level"};

constexpr int kFailuresShown = 20;

bool haveIndex(const config::GatewayConfig& config) {
  if (std::filesystem::exists(config.pacs.db_path)) return true;
  std::cerr << "screening-gateway: no index at " << config.pacs.db_path.string()
            << " (PACS_DB_PATH)\n";
  return false;
}

struct DestinationView {
  std::string name;
  std::string type = "(not configured)";
  std::string endpoint;
  pacs::DestinationBacklog backlog;
  std::vector<pacs::ForwardRow> failures;
};

std::vector<DestinationView> destinationViews(const config::GatewayConfig& config,
                                              pacs::ForwardQueue& queue) {
  std::vector<DestinationView> views;
  std::map<std::string, std::size_t> at;
  for (const auto& d : config.forward.destinations) {
    at[d.name] = views.size();
    DestinationView view;
    view.name = d.name;
    view.type = config::toString(d.type);
    view.endpoint = d.endpoint();
    view.backlog.destination = d.name;
    views.push_back(std::move(view));
  }
  // Rows of a destination no longer configured are shown too: they still wait.
  for (auto& b : queue.backlog()) {
    if (at.count(b.destination) == 0) {
      at[b.destination] = views.size();
      DestinationView view;
      view.name = b.destination;
      views.push_back(std::move(view));
    }
    views[at[b.destination]].backlog = std::move(b);
  }
  for (auto& view : views) {
    if (view.backlog.failed > 0) {
      view.failures = queue.list({"FAILED", view.name, "", kFailuresShown});
    }
  }
  return views;
}

int runStatus(const config::GatewayConfig& config, const ForwardOptions& options) {
  if (!haveIndex(config)) return 1;
  try {
    pacs::ForwardQueue queue(config.pacs.db_path);
    const auto views = destinationViews(config, queue);
    if (options.json) {
      json::Json list = json::Json::array();
      for (const auto& v : views) {
        json::Json failures = json::Json::array();
        for (const auto& f : v.failures) {
          failures.push_back({{"sop_instance_uid", f.sop_instance_uid},
                              {"accession_number", f.accession_number},
                              {"attempts", f.attempts},
                              {"queued_at", f.queued_at},
                              {"reason", f.last_error}});
        }
        const auto& b = v.backlog;
        const long long age = window::secondsSinceUtc(b.oldest_unsent_queued_at);
        list.push_back({{"name", v.name},
                        {"type", v.type},
                        {"endpoint", v.endpoint},
                        {"pending", b.pending},
                        {"sending", b.sending},
                        {"sent", b.sent},
                        {"failed", b.failed},
                        {"oldest_unsent_queued_at", b.oldest_unsent_queued_at},
                        {"oldest_unsent_age_seconds", age < 0 ? json::Json() : json::Json(age)},
                        {"last_error", b.last_error},
                        {"failures", std::move(failures)}});
      }
      std::cout << json::toJsonLine({{"destinations", std::move(list)}}) << "\n";
      return 0;
    }
    if (views.empty()) {
      std::cout << "no forwarding destinations (FORWARD_DICOM, FORWARD_STOW_URL or the YAML "
                   "forward list)\n";
      return 0;
    }
    for (const auto& v : views) {
      const auto& b = v.backlog;
      std::cout << v.name << " (" << v.type << (v.endpoint.empty() ? "" : " " + v.endpoint)
                << "): " << b.pending << " pending, " << b.sending << " sending, " << b.sent
                << " sent, " << b.failed << " failed\n";
      if (!b.oldest_unsent_queued_at.empty()) {
        const long long age = window::secondsSinceUtc(b.oldest_unsent_queued_at);
        std::cout << "  oldest waiting since " << b.oldest_unsent_queued_at << " UTC"
                  << (age >= 0 ? " (" + window::durationText(age) + ")" : "") << "\n";
      }
      if (!b.last_error.empty()) {
        std::cout << "  last error: " << logging::escaped(b.last_error, 300) << "\n";
      }
      for (const auto& f : v.failures) {
        std::cout << "  FAILED " << f.sop_instance_uid << " after " << f.attempts
                  << " attempt(s): " << logging::escaped(f.last_error, 300) << "\n";
      }
      if (b.failed > static_cast<std::int64_t>(v.failures.size())) {
        std::cout << "  ... and " << (b.failed - static_cast<std::int64_t>(v.failures.size()))
                  << " more failed (forward list --state FAILED)\n";
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "screening-gateway: forward status failed: " << e.what() << "\n";
    return 1;
  }
}

int runRetry(const config::GatewayConfig& config, const ForwardOptions& options) {
  if (!haveIndex(config)) return 1;
  try {
    pacs::ForwardQueue queue(config.pacs.db_path);
    const int changed = queue.retryNow(options.destination, options.failed);
    std::cout << changed << " instance(s) due now"
              << (options.destination.empty() ? "" : " for " + options.destination)
              << (options.failed ? " (failed ones included)" : "") << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "screening-gateway: forward retry failed: " << e.what() << "\n";
    return 1;
  }
}

int runList(const config::GatewayConfig& config, const ForwardOptions& options) {
  if (!haveIndex(config)) return 1;
  try {
    pacs::ForwardQueue queue(config.pacs.db_path);
    const auto rows =
        queue.list({options.state, options.destination, options.accession_number, options.limit});
    if (options.json) {
      json::Json list = json::Json::array();
      for (const auto& r : rows) {
        list.push_back({{"id", r.id},
                        {"destination", r.destination},
                        {"state", r.state},
                        {"attempts", r.attempts},
                        {"queued_at", r.queued_at},
                        {"sent_at", r.sent_at},
                        {"sop_instance_uid", r.sop_instance_uid},
                        {"study_instance_uid", r.study_instance_uid},
                        {"accession_number", r.accession_number},
                        {"last_error", r.last_error}});
      }
      std::cout << json::toJsonLine(list) << "\n";
      return 0;
    }
    for (const auto& r : rows) {
      std::cout << r.destination << "\t" << r.state << "\t" << r.attempts << "\t" << r.queued_at
                << "\t" << (r.sent_at.empty() ? "-" : r.sent_at) << "\t" << r.sop_instance_uid
                << "\t" << (r.accession_number.empty() ? "-" : r.accession_number) << "\t"
                << (r.last_error.empty() ? "-" : logging::escaped(r.last_error, 300)) << "\n";
    }
    std::cerr << rows.size() << " row(s)\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "screening-gateway: forward list failed: " << e.what() << "\n";
    return 1;
  }
}

ValueHandler stateInto(std::string& target) {
  return [&target](const std::string& value) -> std::optional<std::string> {
    std::string t = config::trim(value);
    for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (t != "PENDING" && t != "SENDING" && t != "SENT" && t != "FAILED") {
      return "'" + value + "' is not PENDING, SENDING, SENT or FAILED";
    }
    target = t;
    return std::nullopt;
  };
}

CommandDeclaration statusAction() {
  CommandDeclaration action;
  action.name = "status";
  action.summary = "the backlog per destination, the oldest waiting, failures with reasons";
  action.description =
      "Per forwarding destination: instances pending, being sent, sent and failed, how long\n"
      "the oldest unsent one has waited, the last error, and the failed instances (dead\n"
      "letters) with their reasons. Reads the queue in the index (PACS_DB_PATH); safe while\n"
      "`serve` runs.\n";
  action.footer = "Exit 0 reported, 1 when the index cannot be read.\n";
  action.settings = kForwardSettings;
  action.declare = [](CLI::App& app, CommandLine& command_line) {
    addSwitch(app, "--json", "the report as JSON", command_line.forward.json);
  };
  action.run = runWith(runStatus, &CommandLine::forward);
  return action;
}

CommandDeclaration retryAction() {
  CommandDeclaration action;
  action.name = "retry";
  action.summary = "make waiting instances due now [--destination D] [--failed]";
  action.description =
      "Instances waiting out a retry backoff become due at once, so a destination that is\n"
      "back is caught up without waiting up to FORWARD_RETRY_MAX_DELAY. With --failed the\n"
      "failed ones (permanent refusals) are queued again too, their attempts counted from\n"
      "zero: after the destination's configuration was fixed. A running `serve` picks them\n"
      "up within two seconds.\n";
  action.footer = "Exit 0 done, 1 when the index cannot be written.\n";
  action.settings = kForwardSettings;
  action.declare = [](CLI::App& app, CommandLine& command_line) {
    addValueOption(app, "--destination", "D", "only this destination",
                   textInto(command_line.forward.destination));
    addSwitch(app, "--failed", "failed instances too", command_line.forward.failed);
  };
  action.run = runWith(runRetry, &CommandLine::forward);
  return action;
}

CommandDeclaration listAction() {
  CommandDeclaration action;
  action.name = "list";
  action.summary = "queue rows [--state S] [--accession A] [--destination D] [--json]";
  action.description =
      "Lists forwarding queue rows in queue order: destination, state, attempts, queued and\n"
      "sent times (UTC), SOP Instance UID, accession number and last error; tab-separated,\n"
      "or a JSON array with --json. --state is PENDING, SENDING, SENT or FAILED.\n";
  action.footer = "Exit 0 listed (also when empty), 1 when the index cannot be read.\n";
  action.settings = kForwardSettings;
  action.declare = [](CLI::App& app, CommandLine& command_line) {
    ForwardOptions& options = command_line.forward;
    addValueOption(app, "--state", "S", "only rows in this state", stateInto(options.state));
    addValueOption(app, "--accession", "A", "only instances of this accession number",
                   textInto(options.accession_number));
    addValueOption(app, "--destination", "D", "only this destination",
                   textInto(options.destination));
    addValueOption(app, "--limit", "N", "at most N rows, 1-1000000 (default 1000)",
                   integerInto(options.limit, 1, 1000000));
    addSwitch(app, "--json", "a JSON array of rows", options.json);
  };
  action.run = runWith(runList, &CommandLine::forward);
  return action;
}

}  // namespace

CommandDeclaration forwardCommand() {
  CommandDeclaration command;
  command.name = "forward";
  command.summary = "the forwarding queue: status, retry, list";
  command.description =
      "Every stored image is queued for each matching forwarding destination (ADR 0019) and\n"
      "sent by `serve`; these actions show and steer that queue. Safe while `serve` runs.\n";
  command.footer = "`screening-gateway forward ACTION --help` describes one action.\n";
  command.actions = {statusAction(), retryAction(), listAction()};
  return command;
}

}  // namespace gateway::supervisor
