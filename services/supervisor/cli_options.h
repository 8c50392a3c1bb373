#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace gateway::supervisor {

// Checks and stores one value; returns an error text without the flag's name, as the
// config::value_parsers do ("'0' is below the minimum 1"), or nothing when it was stored.
using ValueHandler = std::function<std::optional<std::string>(const std::string& value)>;

// Declares `--flag VALUE` on a CLI11 subcommand. Every value goes through `handle`, so the
// same parsers and messages serve the YAML file, the environment and the command line; an
// error reads "--flag: what was wrong". Given twice it is an error ("--flag is given
// twice") unless `repeatable`, then `handle` sees each value in order.
CLI::Option* addValueOption(CLI::App& app, const std::string& flag, const std::string& value_name,
                            const std::string& description, ValueHandler handle,
                            bool repeatable = false);

// Declares `--flag` without a value: `--flag=anything` is an error ("--flag takes no
// value"), where CLI11 would otherwise read "yes" or "0" as a boolean.
CLI::Option* addSwitch(CLI::App& app, const std::string& flag, const std::string& description,
                       bool& target);

// Handlers for the common value kinds, storing into `target`.
ValueHandler textInto(std::string& target);  // trimmed, not empty
ValueHandler aeTitleInto(std::string& target);
ValueHandler integerInto(int& target, std::int64_t min, std::int64_t max);
ValueHandler optionalAeTitleInto(std::optional<std::string>& target);
ValueHandler optionalIntegerInto(std::optional<int>& target, std::int64_t min, std::int64_t max);

}  // namespace gateway::supervisor
