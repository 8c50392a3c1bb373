#include "services/supervisor/command_line.h"

#include <set>

#include "common/config/setting_table.h"
#include "common/config/value_parsers.h"

namespace gateway::supervisor {
namespace {

const std::set<std::string> kCommands = {"serve", "verify-storage", "healthcheck", "version",
                                         "help"};

std::string settingsHelp() {
  std::string out =
      "Settings (flag > environment > YAML file > default):\n"
      "  --config FILE  YAML file with the same settings (or GATEWAY_CONFIG=FILE)\n";
  for (const auto& spec : config::settingTable()) {
    std::string left = std::string("  ") + spec.flag + " / " + spec.env;
    if (left.size() < 52) left.resize(52, ' ');
    out += left + " " + spec.description + "\n";
  }
  return out;
}

}  // namespace

std::string usageText() {
  return "Usage: screening-gateway [COMMAND] [OPTIONS]\n"
         "\n"
         "Breast screening DICOM gateway: PACS storage SCP with a hash-based file store\n"
         "indexed in SQLite.\n"
         "\n"
         "Commands:\n"
         "  serve            run the storage service until SIGTERM/SIGINT (the default)\n"
         "  verify-storage   re-hash every stored file; report missing, corrupt, orphan files\n"
         "  healthcheck      C-ECHO the running service; exit 0 only if it answers\n"
         "  version          print the version\n"
         "\n"
         "`screening-gateway COMMAND --help` describes one command.\n"
         "Exit codes: 0 success, 1 failure (or problems found), 2 invalid usage or "
         "configuration.\n";
}

std::string commandHelp(const std::string& command) {
  if (command == "serve") {
    return "Usage: screening-gateway serve [SETTINGS]\n\n"
           "Starts the PACS storage SCP (C-ECHO, C-STORE) on PACS_PORT as PACS_AET.\n"
           "Before the port opens, leftover temporary files are removed, files without an\n"
           "index row are indexed and rows without a file are marked MISSING.\n"
           "SIGTERM/SIGINT: stop accepting, let transfers finish (shutdown_timeout), exit 0.\n\n" +
           settingsHelp();
  }
  if (command == "verify-storage") {
    return "Usage: screening-gateway verify-storage [--json] [SETTINGS]\n\n"
           "Re-hashes every indexed file (PACS_STORAGE_PATH, PACS_DB_PATH) and compares it with\n"
           "its index row. Reports missing, corrupt (hash mismatch), size_mismatch and orphan\n"
           "(file without a row) files, as text or --json. Exit 1 if anything is wrong.\n"
           "Safe while `serve` runs.\n\n" +
           settingsHelp();
  }
  if (command == "healthcheck") {
    return "Usage: screening-gateway healthcheck [--host H] [--timeout S] [--calling-aet AE]\n"
           "                                  [SETTINGS]\n\n"
           "Sends a real C-ECHO to the storage service at H (default 127.0.0.1), PACS_PORT,\n"
           "PACS_AET. Exit 0 when it answers within S seconds (default 5), else 1 and one line\n"
           "saying what failed.\n\n" +
           settingsHelp();
  }
  if (command == "version") return "Usage: screening-gateway version\n";
  return usageText();
}

ParseResult parseCommandLine(const std::vector<std::string>& args, config::ConfigSources sources) {
  ParseResult result;
  CommandLine& cl = result.command_line;
  cl.sources = std::move(sources);
  bool command_seen = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::string value;
    bool has_inline_value = false;
    if (arg.rfind("--", 0) == 0) {
      if (const auto eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline_value = true;
      }
    }
    auto takeValue = [&](std::string& out) -> bool {
      if (has_inline_value) {
        out = value;
        return true;
      }
      if (i + 1 >= args.size()) {
        result.error = arg + " needs a value";
        return false;
      }
      out = args[++i];
      return true;
    };

    if (arg == "--help" || arg == "-h") {
      cl.help = true;
    } else if (arg == "--config") {
      std::string file;
      if (!takeValue(file)) return result;
      cl.sources.yaml_file = file;
    } else if (arg == "--json") {
      cl.json = true;
    } else if (arg == "--host") {
      if (!takeValue(cl.host)) return result;
    } else if (arg == "--calling-aet") {
      std::string aet;
      if (!takeValue(aet)) return result;
      const auto parsed = config::parseAeTitle(aet);
      if (!parsed.value) {
        result.error = "--calling-aet: " + parsed.error;
        return result;
      }
      cl.calling_aet = *parsed.value;
    } else if (arg == "--timeout") {
      std::string seconds;
      if (!takeValue(seconds)) return result;
      const auto parsed = config::parseInteger(seconds, 1, 300);
      if (!parsed.value) {
        result.error = "--timeout: " + parsed.error;
        return result;
      }
      cl.timeout_seconds = static_cast<int>(*parsed.value);
    } else if (config::findSettingByFlag(arg) != nullptr) {
      std::string setting_value;
      if (!takeValue(setting_value)) return result;
      cl.sources.flags.emplace_back(arg, setting_value);
    } else if (arg.rfind("-", 0) == 0) {
      result.error = "unknown option " + arg;
      return result;
    } else if (!command_seen && kCommands.count(arg) != 0) {
      cl.command = arg;
      command_seen = true;
    } else {
      result.error = "unexpected argument '" + arg + "'";
      return result;
    }
  }
  cl.command_given = command_seen;
  if (cl.command == "help") cl.help = true;
  return result;
}

}  // namespace gateway::supervisor
