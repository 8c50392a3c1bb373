#include "services/window/view_summary.h"

#include <cctype>

namespace gateway::window {
namespace {

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string trimmed(const std::string& text) {
  const auto start = text.find_first_not_of(' ');
  if (start == std::string::npos) return {};
  return text.substr(start, text.find_last_not_of(' ') - start + 1);
}

// CID 4014 (View for Mammography): SNOMED CT and the older SNOMED RT codes of the common
// views, for objects that code the view but leave View Position empty. Anything else needs
// View Position.
std::string viewFromCode(const std::string& code) {
  static const std::map<std::string, std::string> kCodes = {
      {"SCT:399162004", "CC"}, {"SRT:R-10242", "CC"},   {"SCT:399368009", "MLO"},
      {"SRT:R-10226", "MLO"},  {"SCT:399260004", "ML"}, {"SRT:R-10224", "ML"},
      {"SCT:399352003", "LM"}, {"SRT:R-10228", "LM"},
  };
  const auto it = kCodes.find(code);
  return it == kCodes.end() ? std::string() : it->second;
}

bool implantDisplaced(const std::string& modifiers) {
  const std::string text = upper(modifiers);
  return text.find("IMPLANT DISPLACED") != std::string::npos ||
         text.find("R-102D2") != std::string::npos;
}

}  // namespace

std::string viewName(const pacs::InstanceMetadata& m) {
  const std::string laterality = upper(trimmed(m.image_laterality));
  std::string view = upper(trimmed(m.view_position));
  if (view.empty()) view = viewFromCode(trimmed(m.view_code));
  if (laterality.empty() || view.empty()) return {};
  if (laterality != "L" && laterality != "R" && laterality != "B") return {};
  bool displaced = implantDisplaced(m.view_modifiers);
  // Some modalities put the modifier into View Position itself ("CCID").
  if (view.size() > 2 && view.compare(view.size() - 2, 2, "ID") == 0) {
    view.resize(view.size() - 2);
    displaced = true;
  }
  return laterality + view + (displaced ? "ID" : "");
}

ViewSummary summarizeViews(const std::vector<pacs::StoredInstance>& images) {
  ViewSummary summary;
  for (const char* view : kStandardViews) summary.standard[view] = 0;
  for (const auto& image : images) {
    if (image.status != "STORED") continue;
    const std::string name = viewName(image.metadata);
    if (name.empty()) continue;
    const auto standard = summary.standard.find(name);
    if (standard != summary.standard.end()) {
      ++standard->second;
    } else {
      ++summary.extra[name];
    }
  }
  for (const char* view : kStandardViews) {
    if (summary.standard[view] == 0) summary.missing.emplace_back(view);
  }
  return summary;
}

}  // namespace gateway::window
