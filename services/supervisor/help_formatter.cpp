#include "services/supervisor/help_formatter.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace gateway::supervisor {
namespace {

constexpr std::size_t kWidth = 100;
constexpr std::size_t kColumn = 34;         // options: "--pacs-allowed-sop-classes VALUE"
constexpr std::size_t kCommandColumn = 19;  // commands and actions: "verify-storage"
// "Settings (flag > environment > ...)" -> "SETTINGS".
std::string groupTag(const std::string& group) {
  std::string tag = group.substr(0, group.find(' '));
  std::transform(tag.begin(), tag.end(), tag.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return tag;
}

}  // namespace

HelpFormatter::HelpFormatter(std::function<std::string(const CLI::App&)> prose)
    : prose_(std::move(prose)) {
  label("Positionals", "Arguments");
  column_width(kColumn);
}

std::string HelpFormatter::wrap(const std::string& text, std::size_t first_column,
                                std::size_t indent, std::size_t width) {
  std::string out;
  std::size_t column = first_column;
  std::istringstream lines(text);
  std::string line;
  bool first_line = true;
  while (std::getline(lines, line)) {
    if (!first_line) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    }
    first_line = false;
    std::istringstream words(line);
    std::string word;
    bool line_start = true;
    while (words >> word) {
      if (!line_start && column + 1 + word.size() > width) {
        out += "\n" + std::string(indent, ' ');
        column = indent;
        line_start = true;
      }
      if (!line_start) {
        out += ' ';
        ++column;
      }
      out += word;
      column += word.size();
      line_start = false;
    }
  }
  return out;
}

std::string HelpFormatter::row(const std::string& left, const std::string& right,
                               std::size_t column) {
  std::string out = "  " + left;
  if (right.empty()) return out + "\n";
  if (out.size() + 1 > column) {
    out += "\n" + std::string(column, ' ');
  } else {
    out.resize(column, ' ');
  }
  return out + wrap(right, column, column, kWidth) + "\n";
}

std::string HelpFormatter::make_usage(const CLI::App* app, std::string name) const {
  std::string out = get_label("Usage") + ": " + name;
  const auto subcommands = app->get_subcommands(
      [](const CLI::App* sub) { return !sub->get_disabled() && !sub->get_name().empty(); });
  if (!subcommands.empty()) out += app->get_parent() == nullptr ? " [COMMAND]" : " ACTION";
  for (const auto* opt :
       app->get_options([](const CLI::Option* o) { return o->get_positional(); })) {
    out += " " + make_option_usage(opt);
  }
  // One tag per option group, in the order of the help: [OPTIONS] [FIELDS] [SETTINGS].
  for (const auto& group : app->get_groups()) {
    const auto opts = app->get_options(
        [&group](const CLI::Option* o) { return o->get_group() == group && o->nonpositional(); });
    if (!group.empty() && !opts.empty()) out += " [" + groupTag(group) + "]";
  }
  return out + "\n";
}

std::string HelpFormatter::make_option_opts(const CLI::Option* opt) const {
  // A positional's name is its placeholder already ("FILE").
  if (opt->get_positional() || opt->get_type_size() == 0 || opt->get_type_name().empty()) {
    return "";
  }
  return " " + opt->get_type_name();
}

std::string HelpFormatter::make_option(const CLI::Option* opt, bool is_positional) const {
  return row(make_option_name(opt, is_positional) + make_option_opts(opt), make_option_desc(opt),
             column_width_);
}

std::string HelpFormatter::make_subcommands(const CLI::App* app, CLI::AppFormatMode) const {
  std::string out;
  std::vector<std::string> groups;
  const auto subcommands = app->get_subcommands({});
  for (const auto* sub : subcommands) {
    if (!sub->get_name().empty() &&
        std::find(groups.begin(), groups.end(), sub->get_group()) == groups.end()) {
      groups.push_back(sub->get_group());
    }
  }
  for (const auto& group : groups) {
    out += "\n" + group + ":\n";
    for (const auto* sub : subcommands) {
      if (sub->get_group() == group)
        out += row(sub->get_name(), sub->get_description(), kCommandColumn);
    }
  }
  return out;
}

std::string HelpFormatter::make_help(const CLI::App* app, std::string name,
                                     CLI::AppFormatMode mode) const {
  std::string out = make_usage(app, name);
  const std::string prose = prose_ ? prose_(*app) : app->get_description();
  if (!prose.empty()) out += "\n" + prose + (prose.back() == '\n' ? "" : "\n");
  out += make_positionals(app);
  for (const auto& group : app->get_groups()) {
    const auto opts = app->get_options(
        [&group](const CLI::Option* o) { return o->get_group() == group && o->nonpositional(); });
    if (!group.empty() && !opts.empty()) out += make_group(group, false, opts);
  }
  out += make_subcommands(app, mode);
  const std::string footer = app->get_footer();
  if (!footer.empty()) out += "\n" + footer + (footer.back() == '\n' ? "" : "\n");
  return out;
}

}  // namespace gateway::supervisor
