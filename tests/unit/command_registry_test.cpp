// Every command and worklist action, walked from the declarations: each rejects every option
// it does not take (naming the option and the command), takes exactly the setting flags it
// reads, and has --help generated from its declaration.
#include "services/supervisor/command_registry.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "common/config/config_loader.h"
#include "services/supervisor/command_line.h"
#include "tests/support/temp_dir.h"

namespace gateway::supervisor {
namespace {

ParseResult parse(const std::vector<std::string>& args) { return parseCommandLine(args, {}); }

// "worklist add" -> {"worklist", "add"}.
std::vector<std::string> words(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(path);
  std::string word;
  while (in >> word) out.push_back(word);
  return out;
}

// Every command and action that runs, from the declarations.
std::vector<std::string> leafPaths() {
  std::vector<std::string> paths;
  for (const auto& command : commandTable()) {
    if (command.actions.empty()) paths.push_back(command.name);
    for (const auto& action : command.actions) paths.push_back(command.name + " " + action.name);
  }
  return paths;
}

// What the built CLI11 application declares for a path.
struct Declared {
  std::set<std::string> options;  // long names, without --help
  std::vector<std::string> required_positionals;
};

Declared declared(const std::string& path) {
  CommandLine scratch;
  const auto app = buildApp(scratch);
  const CLI::App* at = app.get();
  for (const auto& word : words(path)) at = at->get_subcommand(word);
  Declared out;
  for (const auto* opt : at->get_options()) {
    if (opt->get_positional()) {
      if (opt->get_required()) out.required_positionals.push_back(opt->get_name(true));
    } else if (opt != at->get_help_ptr()) {
      for (const auto& name : opt->get_lnames()) out.options.insert("--" + name);
    }
  }
  return out;
}

// The path's words and a value for each argument it requires.
std::vector<std::string> baseArgs(const std::string& path) {
  auto args = words(path);
  for (std::size_t i = 0; i < declared(path).required_positionals.size(); ++i) {
    args.push_back("arg.csv");
  }
  return args;
}

std::set<std::string> flagsOf(const std::vector<const config::SettingSpec*>& specs) {
  std::set<std::string> flags;
  for (const auto* spec : specs) flags.insert(spec->flag);
  return flags;
}

TEST(CommandRegistry, EveryCommandRejectsEveryOptionItDoesNotTake) {
  std::set<std::string> every_option;
  for (const auto& path : leafPaths()) {
    const auto own = declared(path).options;
    every_option.insert(own.begin(), own.end());
  }
  std::size_t checked = 0;
  for (const auto& path : leafPaths()) {
    const auto own = declared(path).options;
    for (const auto& option : every_option) {
      if (own.count(option) != 0) continue;
      for (const std::string& given : {option, option + "=1"}) {
        auto args = baseArgs(path);
        args.push_back(given);
        const auto r = parse(args);
        EXPECT_EQ(
            r.error.rfind(option + " is not an option of " + path + "; it is an option of ", 0), 0u)
            << path << " " << given << ": " << r.error;
        EXPECT_EQ(r.error.find('\n'), std::string::npos) << r.error;
        ++checked;
      }
    }
    auto args = baseArgs(path);
    args.push_back("--no-such-option");
    EXPECT_EQ(parse(args).error, "unknown option --no-such-option for " + path);
  }
  EXPECT_GT(checked, 500u);  // every leaf against the others' options, both spellings
}

TEST(CommandRegistry, NamesWhoTakesAForeignOption) {
  EXPECT_EQ(parse({"serve", "--host", "10.0.0.1"}).error,
            "--host is not an option of serve; it is an option of the healthcheck, status and "
            "emulate commands");
  EXPECT_EQ(parse({"verify-storage", "--timeout", "3"}).error,
            "--timeout is not an option of verify-storage; it is an option of the healthcheck, "
            "status and emulate commands");
  EXPECT_EQ(parse({"emulate", "--json"}).error,
            "--json is not an option of emulate; it is an option of the verify-storage, "
            "healthcheck, status, worklist, forward and storage commands");
  EXPECT_EQ(parse({"worklist", "list", "--calling-aet", "X"}).error,
            "--calling-aet is not an option of worklist list; it is an option of the healthcheck "
            "and emulate commands");
  // The foreign option is named even though the required ACCESSION is missing too.
  EXPECT_EQ(parse({"worklist", "remove", "--replace"}).error,
            "--replace is not an option of worklist remove; it is an option of worklist add and "
            "worklist import");
  EXPECT_EQ(parse({"worklist", "add", "--json"}).error,
            "--json is not an option of worklist add; it is an option of worklist list and of the "
            "verify-storage, healthcheck, status, forward and storage commands");
  EXPECT_EQ(parse({"version", "--config", "gw.yaml"})
                .error.rfind("--config is not an option of version", 0),
            0u);
  // Options belong after the action.
  EXPECT_EQ(parse({"worklist", "--mwl-db-path", "w.db", "list"})
                .error.rfind("--mwl-db-path is not an option of worklist;", 0),
            0u);
}

TEST(CommandRegistry, EachCommandTakesExactlyTheSettingsItReads) {
  for (const auto& path : leafPaths()) {
    const CommandDeclaration* command = findCommand(path);
    ASSERT_NE(command, nullptr) << path;
    const auto wanted = flagsOf(settingsOf(*command));
    const auto own = declared(path).options;
    for (const auto& spec : config::settingTable()) {
      EXPECT_EQ(own.count(spec.flag), wanted.count(spec.flag)) << path << " " << spec.flag;
      if (wanted.count(spec.flag) == 0) continue;
      auto args = baseArgs(path);
      args.insert(args.end(), {spec.flag, "v"});
      const auto r = parse(args);
      EXPECT_TRUE(r.error.empty()) << path << ": " << r.error;
      ASSERT_EQ(r.command_line.sources.flags.size(), 1u) << path;
      EXPECT_EQ(r.command_line.sources.flags[0].first, spec.flag);
      EXPECT_EQ(r.command_line.sources.flags[0].second, "v");
    }
    EXPECT_EQ(own.count("--config"), wanted.empty() ? 0u : 1u) << path;
  }
  const auto settings = [](const std::string& path) {
    return flagsOf(settingsOf(*findCommand(path)));
  };
  EXPECT_EQ(settings("serve").size(), config::settingTable().size());
  EXPECT_EQ(settings("verify-storage"),
            (std::set<std::string>{"--pacs-storage-path", "--pacs-db-path", "--log-level"}));
  EXPECT_EQ(settings("worklist list"), (std::set<std::string>{"--mwl-db-path", "--log-level"}));
  EXPECT_EQ(settings("worklist reset"),
            (std::set<std::string>{"--mwl-db-path", "--mwl-backup-dir", "--mwl-backup-keep",
                                   "--log-level"}));
  EXPECT_EQ(settings("emulate"),
            (std::set<std::string>{"--pacs-aet", "--pacs-port", "--pacs-tls-port", "--mwl-aet",
                                   "--mwl-port", "--mwl-tls-port", "--dimse-timeout", "--tls-cert",
                                   "--tls-key", "--tls-ca", "--tls-verify-peer", "--log-level"}));
  // healthcheck --json also writes in both databases, reads the storage's free space and
  // asks the running process over HTTP; status reads what the page shows. Both call every
  // DICOM port, plain and TLS.
  const std::set<std::string> window = {
      "--pacs-aet",     "--pacs-port",       "--pacs-tls-port",     "--mwl-aet",
      "--mwl-port",     "--mwl-tls-port",    "--tls-cert",          "--tls-key",
      "--tls-ca",       "--tls-verify-peer", "--dimse-timeout",     "--log-level",
      "--pacs-db-path", "--mwl-db-path",     "--pacs-storage-path", "--http-port",
      "--http-bind",    "--api-token-file",  "--http-open-reads",   "--timezone"};
  EXPECT_EQ(settings("healthcheck"), window);
  EXPECT_EQ(settings("status"), window);
  EXPECT_TRUE(settings("version").empty());
  EXPECT_TRUE(settings("help").empty());
}

TEST(CommandRegistry, EverySettingSelectorNamesASetting) {
  std::vector<const CommandDeclaration*> all;
  for (const auto& command : commandTable()) {
    all.push_back(&command);
    for (const auto& action : command.actions) all.push_back(&action);
  }
  for (const auto* command : all) {
    for (const auto& selector : command->settings) {
      CommandDeclaration only;
      only.settings = {selector};
      EXPECT_FALSE(settingsOf(only).empty()) << command->name << ": " << selector;
    }
  }
}

TEST(CommandRegistry, SettingFlagsKeepTheirPrecedence) {
  test::TempDir dir;
  const auto yaml = dir / "gw.yaml";
  std::ofstream(yaml) << "pacs:\n  port: 4500\n  aet: YAML_AET\nmwl:\n  aet: YAML_MWL\n";
  config::ConfigSources sources;
  sources.environment = {{"PACS_PORT", "4400"}, {"PACS_AET", "ENV_AET"}};
  const auto r =
      parseCommandLine({"healthcheck", "--pacs-port", "4300", "--config", yaml.string()}, sources);
  ASSERT_TRUE(r.error.empty()) << r.error;
  const auto config = config::loadConfig(r.command_line.sources);
  EXPECT_EQ(config.pacs.port, 4300);      // flag
  EXPECT_EQ(config.pacs.aet, "ENV_AET");  // environment over YAML
  EXPECT_EQ(config.mwl.aet, "YAML_MWL");  // YAML over default
  EXPECT_EQ(config.mwl.port, 4243);       // default
}

TEST(CommandRegistry, RepeatsMissingValuesAndStrayWordsAreErrors) {
  EXPECT_EQ(parse({"serve", "--pacs-port", "1", "--pacs-port=2"}).error,
            "--pacs-port is given twice");
  EXPECT_EQ(parse({"healthcheck", "--timeout"}).error, "--timeout needs a value");
  EXPECT_EQ(parse({"worklist", "add", "--patient-id"}).error, "--patient-id needs a value");
  EXPECT_EQ(parse({"serve", "healthcheck"}).error,
            "unexpected argument 'healthcheck' for serve (a command goes before its options)");
  EXPECT_EQ(parse({"--log-level", "debug", "healthcheck"}).error,
            "unexpected argument 'healthcheck' for serve (a command goes before its options)");
  EXPECT_EQ(parse({"bogus"}).error, "unknown command 'bogus'");
  EXPECT_EQ(parse({"worklist"}).error,
            "worklist needs an action: add, import, list, remove or reset");
  EXPECT_EQ(parse({"emulate", "--once", "--interval", "3"}).error,
            "--once cannot be combined with --interval");
  EXPECT_EQ(parse({"help", "bogus"}).error.rfind("help: no command 'bogus'", 0), 0u);
  // A word naming a command is an argument where one is due.
  const auto r = parse({"worklist", "remove", "list"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.command_line.worklist.accession_number, "list");
}

TEST(CommandRegistry, ValuesReachTheCommandVerbatim) {
  const auto r = parse({"worklist", "add", "--patient-name", "[DOE,JANE]", "--study-description",
                        "a=b, c", "--patient-id=-P1"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  const auto& fields = r.command_line.worklist.fields;
  const auto value = [&fields](const std::string& name) {
    for (const auto& [field, given] : fields) {
      if (field == name) return given;
    }
    return std::string("(missing)");
  };
  EXPECT_EQ(value("patient_name"), "[DOE,JANE]");
  EXPECT_EQ(value("study_description"), "a=b, c");
  EXPECT_EQ(value("patient_id"), "-P1");
}

TEST(CommandRegistry, HelpIsGeneratedForEveryCommandAndAction) {
  std::vector<std::string> paths = leafPaths();
  paths.push_back("worklist");
  for (const auto& path : paths) {
    const std::string help = commandHelp(path);
    EXPECT_EQ(help.rfind("Usage: screening-gateway " + path + " ", 0), 0u) << help;
    const CommandDeclaration* command = findCommand(path);
    ASSERT_NE(command, nullptr);
    EXPECT_NE(help.find(command->description), std::string::npos) << path;
    EXPECT_NE(help.find(command->footer), std::string::npos) << path;
    for (const auto& option : declared(path).options) {
      EXPECT_NE(help.find("  " + option), std::string::npos) << path << " " << option;
    }
    std::istringstream lines(help);
    std::string line;
    while (std::getline(lines, line)) EXPECT_LE(line.size(), 100u) << path << ": " << line;

    auto args = words(path);
    args.push_back("--help");
    auto r = parse(args);
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_TRUE(r.command_line.help);
    EXPECT_EQ(helpTopic(r.command_line), path);
    args = words(path);
    args.insert(args.begin(), "help");
    r = parse(args);
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_TRUE(r.command_line.help);
    EXPECT_EQ(helpTopic(r.command_line), path);
  }
  for (const auto& command : commandTable()) {
    EXPECT_NE(usageText().find("  " + command.name + " "), std::string::npos) << command.name;
  }
  EXPECT_EQ(helpTopic(parse({"help"}).command_line), "");
  EXPECT_EQ(commandHelp(""), usageText());
}

}  // namespace
}  // namespace gateway::supervisor
