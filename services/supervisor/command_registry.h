#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/config/setting_table.h"
#include "services/supervisor/command_declaration.h"

namespace gateway::supervisor {

// The commands in the order `screening-gateway --help` lists them.
const std::vector<CommandDeclaration>& commandTable();

// The declaration at a path: "healthcheck", "worklist add"; nullptr when there is none.
const CommandDeclaration* findCommand(const std::string& path);

// The settings a command reads (its `settings` selectors), in the setting table's order.
std::vector<const config::SettingSpec*> settingsOf(const CommandDeclaration& command);

// The CLI11 application of every declaration: one subcommand per command and action, each
// with its own options, the flags of the settings it reads (from config::settingTable())
// and --config, and generated help. Parsed values land in `command_line`, which must
// outlive the application.
std::unique_ptr<CLI::App> buildApp(CommandLine& command_line);

// The path of a CLI11 subcommand below the application: "worklist add"; "" for the root.
std::string commandPath(const CLI::App& app);

}  // namespace gateway::supervisor
