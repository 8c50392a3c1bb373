#include "services/supervisor/command_line.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <sstream>

#include "services/supervisor/command_registry.h"

namespace gateway::supervisor {
namespace {

bool isOption(const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; }

// "--patient-id=P1" -> "--patient-id".
std::string optionName(const std::string& arg) { return arg.substr(0, arg.find('=')); }

// "a", "a and b", "a, b and c".
std::string joined(const std::vector<std::string>& items, const std::string& last = " and ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == items.size() ? last : ", ") + items[i];
  }
  return out;
}

// The chain of selected subcommands: root, command, action.
std::vector<const CLI::App*> selectedChain(const CLI::App& root) {
  std::vector<const CLI::App*> chain = {&root};
  while (true) {
    const auto selected = chain.back()->get_subcommands();
    if (selected.empty()) return chain;
    chain.push_back(selected.front());
  }
}

void collectLeaves(const CLI::App& app, std::vector<const CLI::App*>& leaves) {
  const auto subcommands = app.get_subcommands({});
  if (subcommands.empty() && app.get_parent() != nullptr) leaves.push_back(&app);
  for (const auto* sub : subcommands) collectLeaves(*sub, leaves);
}

// Who takes `option` when `path` does not: "the emulate command", "worklist add and
// worklist import" (actions of the same command are named), "the healthcheck and emulate
// commands"; empty when nothing takes it.
std::string takersOf(const CLI::App& root, const std::string& option, const std::string& path) {
  std::vector<const CLI::App*> leaves;
  collectLeaves(root, leaves);
  const std::string own_command = path.substr(0, path.find(' '));
  std::vector<std::string> actions;   // same command as `path`: "worklist add"
  std::vector<std::string> commands;  // other commands: "emulate"
  for (const auto* leaf : leaves) {
    if (leaf->get_option_no_throw(option) == nullptr) continue;
    const std::string leaf_path = commandPath(*leaf);
    const std::string command = leaf_path.substr(0, leaf_path.find(' '));
    if (command == own_command && leaf_path != command) {
      actions.push_back(leaf_path);
    } else if (std::find(commands.begin(), commands.end(), command) == commands.end()) {
      commands.push_back(command);
    }
  }
  std::string takers = joined(actions);
  if (!commands.empty()) {
    takers += (takers.empty() ? "the " : " and of the ") + joined(commands) +
              (commands.size() == 1 ? " command" : " commands");
  }
  return takers;
}

std::string actionList(const CLI::App& group) {
  std::vector<std::string> names;
  for (const auto* sub : group.get_subcommands({})) names.push_back(sub->get_name());
  return joined(names, " or ");
}

// One line for an argument that no selected subcommand took.
std::string extraArgument(const CLI::App& root, const CLI::App& app, const std::string& arg,
                          std::size_t extras) {
  const std::string path = commandPath(app);
  if (isOption(arg)) {
    const std::string name = optionName(arg);
    const std::string takers = takersOf(root, name, path);
    if (path.empty()) return "unknown option " + name;
    if (takers.empty()) return "unknown option " + name + " for " + path;
    return name + " is not an option of " + path + "; it is an option of " + takers;
  }
  if (!app.get_subcommands({}).empty()) {
    if (path.empty()) return "unknown command '" + arg + "'";
    return "unknown " + path + " action '" + arg + "' (" + actionList(app) + ")";
  }
  const auto positionals =
      app.get_options([](const CLI::Option* o) { return o->get_positional(); });
  if (positionals.size() == 1 && positionals.front()->get_expected_max() == 1) {
    const CLI::Option* positional = positionals.front();
    return path + " needs one " + positional->get_name(true) + ", not " +
           std::to_string(positional->count() + extras);
  }
  const CommandDeclaration* command = findCommand(path);
  std::string hint = command != nullptr ? command->argument_hint : "";
  // `screening-gateway --log-level debug healthcheck`: serve by default took the options.
  if (findCommand(arg) != nullptr) hint = "a command goes before its options";
  return "unexpected argument '" + arg + "' for " + path + (hint.empty() ? "" : " (" + hint + ")");
}

// Turns CLI11's error into one line naming the option and the command. The structure of
// the parse (what each subcommand was left with) says what happened, not CLI11's wording.
std::string describeError(const CLI::App& root, const CLI::ParseError& error,
                          const std::vector<std::string>& args) {
  const auto chain = selectedChain(root);
  // An argument nobody took comes first, whatever CLI11 stopped at: CLI11 checks required
  // arguments before leftovers, and "worklist remove --replace" is about --replace.
  for (const CLI::App* app : chain) {
    const auto left = app->remaining(false);
    if (!left.empty()) return extraArgument(root, *app, left.front(), left.size());
  }
  const CLI::App& leaf = *chain.back();
  const std::string path = commandPath(leaf);
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    for (const auto* opt : leaf.get_options()) {
      if (opt->get_positional() && opt->get_required() && opt->count() == 0) {
        return path + " needs one " + opt->get_name(true);
      }
    }
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr && !args.empty() &&
      isOption(args.back()) && args.back().find('=') == std::string::npos) {
    // The command line ended where a value was due.
    for (const CLI::App* app : chain) {
      const CLI::Option* opt = app->get_option_no_throw(args.back());
      if (opt != nullptr && opt->get_expected_min() > 0) return args.back() + " needs a value";
    }
  }
  return error.what();
}

}  // namespace

std::string fieldFlag(const std::string& field_name) {
  std::string flag = "--" + field_name;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

std::string helpTopic(const CommandLine& command_line) {
  if (command_line.command == "help") return command_line.help_command;
  if (!command_line.command_given) return "";
  if (!command_line.action.empty()) return command_line.command + " " + command_line.action;
  return command_line.command;
}

ParseResult parseCommandLine(const std::vector<std::string>& args, config::ConfigSources sources) {
  ParseResult result;
  CommandLine& cl = result.command_line;
  cl.sources = std::move(sources);
  std::vector<std::string> argv = args;
  // serve is the default command: `screening-gateway` and `screening-gateway --pacs-port N`.
  const bool default_command =
      argv.empty() || (isOption(argv.front()) && argv.front() != "-h" && argv.front() != "--help");
  if (default_command) argv.insert(argv.begin(), "serve");

  const auto app = buildApp(cl);
  try {
    app->parse(std::vector<std::string>(argv.rbegin(), argv.rend()));  // CLI11 pops the back
  } catch (const CLI::CallForHelp&) {
    cl.help = true;
  } catch (const CLI::ParseError& e) {
    result.error = describeError(*app, e, argv);
  }
  const auto chain = selectedChain(*app);
  result.command_path = commandPath(*chain.back());
  if (chain.size() > 1) {
    cl.command = chain[1]->get_name();
    cl.command_given = !default_command;
  }
  if (chain.size() > 2) {
    cl.action = chain[2]->get_name();
    if (cl.command == "worklist") cl.worklist.action = cl.action;
  }
  if (cl.command == "help") {
    if (cl.help && cl.help_command.empty()) cl.help_command = "help";  // `help --help`
    cl.help = true;
  }
  if (result.error.empty() && !cl.help && !chain.back()->get_subcommands({}).empty() &&
      chain.size() > 1) {
    result.error = commandPath(*chain.back()) + " needs an action: " + actionList(*chain.back());
  }
  return result;
}

std::string commandHelp(const std::string& topic) {
  CommandLine scratch;
  const auto app = buildApp(scratch);
  const CLI::App* at = app.get();
  std::string prefix;
  std::istringstream words(topic);
  std::string word;
  while (words >> word) {
    const CLI::App* next = nullptr;
    for (const auto* sub : at->get_subcommands({})) {
      if (sub->get_name() == word) next = sub;
    }
    if (next == nullptr) break;
    prefix += (prefix.empty() ? "" : " ") + at->get_name();
    at = next;
  }
  // CLI11 names a subcommand's usage after the path given: "screening-gateway worklist".
  return at->get_parent() == nullptr ? at->help() : at->help(prefix);
}

std::string usageText() { return commandHelp(""); }

}  // namespace gateway::supervisor
