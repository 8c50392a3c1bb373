#include "services/supervisor/command_registry.h"

#include <CLI/CLI.hpp>
#include <sstream>

#include "services/supervisor/cli_options.h"
#include "services/supervisor/commands.h"
#include "services/supervisor/help_formatter.h"

namespace gateway::supervisor {
namespace {

const char* const kProgram = "screening-gateway";
const char* const kSettingsGroup = "Settings (flag > environment > YAML file > default)";

const char* const kRootDescription =
    "Breast screening DICOM gateway: Modality Worklist with MPPS, and a PACS storage SCP\n"
    "with a hash-based file store indexed in SQLite. Without a COMMAND it serves.\n";

const char* const kRootFooter =
    "`screening-gateway COMMAND --help` (or `screening-gateway help COMMAND`) describes one\n"
    "command. Each command takes only its own options and the settings it reads.\n"
    "Exit codes: 0 success, 1 failure (or problems found), 2 invalid usage or configuration.\n";

bool selects(const std::string& selector, const std::string& key) {
  if (selector == "*") return true;
  if (!selector.empty() && selector.back() == '.') return key.rfind(selector, 0) == 0;
  return key == selector;
}

// The placeholder of a setting's value in --help, from its key.
std::string valueName(const std::string& key) {
  const auto endsWith = [&key](const std::string& tail) {
    return key.size() >= tail.size() &&
           key.compare(key.size() - tail.size(), tail.size(), tail) == 0;
  };
  if (endsWith("port")) return "PORT";
  if (endsWith("aet")) return "AE";
  if (endsWith("_path")) return "PATH";
  if (endsWith("_dir")) return "DIR";
  if (endsWith("timeout")) return "SECONDS";
  if (endsWith("level")) return "LEVEL";
  return "VALUE";
}

void addSettings(CLI::App& app, const CommandDeclaration& command, CommandLine& command_line) {
  const auto settings = settingsOf(command);
  if (settings.empty()) return;
  addValueOption(app, "--config", "FILE", "YAML file with the same settings [GATEWAY_CONFIG]",
                 [&command_line](const std::string& value) -> std::optional<std::string> {
                   command_line.sources.yaml_file = value;
                   return std::nullopt;
                 })
      ->group(kSettingsGroup);
  for (const config::SettingSpec* spec : settings) {
    const std::string flag = spec->flag;
    // Values are checked by the configuration loader, so a flag, the environment and the
    // YAML file give the same messages (and all problems are reported at once).
    addValueOption(app, flag, valueName(spec->key),
                   std::string(spec->description) + " [" + spec->env + "]",
                   [&command_line, flag](const std::string& value) -> std::optional<std::string> {
                     command_line.sources.flags.emplace_back(flag, value);
                     return std::nullopt;
                   })
        ->group(kSettingsGroup);
  }
}

void addCommand(CLI::App& parent, const CommandDeclaration& command, CommandLine& command_line,
                const std::string& group) {
  CLI::App* app = parent.add_subcommand(command.name, command.summary);
  app->group(group);
  app->footer(command.footer);
  // One action at most; a word naming another command is then an argument, not a second
  // command ("worklist remove list" removes accession "list").
  app->require_subcommand(0, 1);
  if (command.declare) command.declare(*app, command_line);
  addSettings(*app, command, command_line);
  for (const auto& action : command.actions) addCommand(*app, action, command_line, "Actions");
}

}  // namespace

const std::vector<CommandDeclaration>& commandTable() {
  static const std::vector<CommandDeclaration> table = {
      serveCommand(),    verifyStorageCommand(), healthcheckCommand(), statusCommand(),
      worklistCommand(), forwardCommand(),       storageCommand(),     emulateCommand(),
      versionCommand(),  helpCommand()};
  return table;
}

const CommandDeclaration* findCommand(const std::string& path) {
  const std::vector<CommandDeclaration>* level = &commandTable();
  const CommandDeclaration* found = nullptr;
  std::istringstream words(path);
  std::string word;
  while (words >> word) {
    found = nullptr;
    for (const auto& command : *level) {
      if (command.name == word) found = &command;
    }
    if (found == nullptr) return nullptr;
    level = &found->actions;
  }
  return found;
}

std::vector<const config::SettingSpec*> settingsOf(const CommandDeclaration& command) {
  std::vector<const config::SettingSpec*> specs;
  for (const auto& spec : config::settingTable()) {
    for (const auto& selector : command.settings) {
      if (selects(selector, spec.key)) {
        specs.push_back(&spec);
        break;
      }
    }
  }
  return specs;
}

std::string commandPath(const CLI::App& app) {
  std::string path;
  for (const CLI::App* at = &app; at->get_parent() != nullptr; at = at->get_parent()) {
    path = at->get_name() + (path.empty() ? "" : " " + path);
  }
  return path;
}

std::unique_ptr<CLI::App> buildApp(CommandLine& command_line) {
  auto app = std::make_unique<CLI::App>(kRootDescription, kProgram);
  // Before any subcommand is added: subcommands copy the formatter and the help flag.
  app->formatter(std::make_shared<HelpFormatter>([](const CLI::App& at) -> std::string {
    if (at.get_parent() == nullptr) return kRootDescription;
    const CommandDeclaration* command = findCommand(commandPath(at));
    return command != nullptr ? command->description : at.get_description();
  }));
  app->set_help_flag("-h,--help", "show this help and exit");
  app->require_subcommand(0, 1);
  app->footer(kRootFooter);
  for (const auto& command : commandTable()) addCommand(*app, command, command_line, "Commands");
  return app;
}

}  // namespace gateway::supervisor
