#include "services/supervisor/cli_options.h"

#include <CLI/CLI.hpp>

#include "common/config/value_parsers.h"
#include "common/dicom_values/value_checks.h"

namespace gateway::supervisor {

CLI::Option* addValueOption(CLI::App& app, const std::string& flag, const std::string& value_name,
                            const std::string& description, ValueHandler handle, bool repeatable) {
  auto callback = [flag, handle = std::move(handle), repeatable](const CLI::results_t& values) {
    if (values.size() > 1 && !repeatable) throw CLI::ValidationError(flag + " is given twice");
    for (const auto& value : values) {
      if (const auto error = handle(value)) throw CLI::ValidationError(flag + ": " + *error);
    }
    return true;
  };
  CLI::Option* option = app.add_option(flag, std::move(callback), description);
  // TakeAll: CLI11 hands every occurrence to the callback, which decides about repeats.
  option->type_name(value_name)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  return option;
}

CLI::Option* addSwitch(CLI::App& app, const std::string& flag, const std::string& description,
                       bool& target) {
  // A flag without a value reaches the callback as "true"; `--flag=value` as that value.
  auto callback = [flag, &target](const CLI::results_t& values) {
    for (const auto& value : values) {
      if (value != "true") throw CLI::ValidationError(flag + " takes no value");
    }
    target = true;
    return true;
  };
  CLI::Option* option = app.add_option(flag, std::move(callback), description);
  option->expected(0)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  return option;
}

ValueHandler textInto(std::string& target) {
  return [&target](const std::string& value) -> std::optional<std::string> {
    const std::string trimmed = config::trim(value);
    if (trimmed.empty()) return std::string("value is empty");
    target = trimmed;
    return std::nullopt;
  };
}

ValueHandler aeTitleInto(std::string& target) {
  return [&target](const std::string& value) -> std::optional<std::string> {
    const auto parsed = dicom_values::parseAeTitle(value);
    if (!parsed.value) return parsed.error;
    target = *parsed.value;
    return std::nullopt;
  };
}

ValueHandler integerInto(int& target, std::int64_t min, std::int64_t max) {
  return [&target, min, max](const std::string& value) -> std::optional<std::string> {
    const auto parsed = config::parseInteger(value, min, max);
    if (!parsed.value) return parsed.error;
    target = static_cast<int>(*parsed.value);
    return std::nullopt;
  };
}

ValueHandler optionalAeTitleInto(std::optional<std::string>& target) {
  return [&target](const std::string& value) -> std::optional<std::string> {
    std::string parsed;
    if (auto error = aeTitleInto(parsed)(value)) return error;
    target = parsed;
    return std::nullopt;
  };
}

ValueHandler optionalIntegerInto(std::optional<int>& target, std::int64_t min, std::int64_t max) {
  return [&target, min, max](const std::string& value) -> std::optional<std::string> {
    int parsed = 0;
    if (auto error = integerInto(parsed, min, max)(value)) return error;
    target = parsed;
    return std::nullopt;
  };
}

}  // namespace gateway::supervisor
