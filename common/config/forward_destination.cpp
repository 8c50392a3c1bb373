#include "common/config/forward_destination.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "common/config/value_parsers.h"
#include "common/config/yaml_fields.h"
#include "common/dicom_values/value_checks.h"

namespace gateway::config {
namespace {

const std::set<std::string> kEntryKeys = {
    "name",       "type",    "ae_title",         "host",        "port",       "tls",         "url",
    "token_file", "ca_file", "max_associations", "sop_classes", "modalities", "calling_aets"};

bool validName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
  });
}

bool httpUrl(const std::string& url) {
  return (url.rfind("http://", 0) == 0 && url.size() > 7) ||
         (url.rfind("https://", 0) == 0 && url.size() > 8);
}

bool hasControlOrSpace(const std::string& text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; });
}

// A Code String of Modality: upper-case letters, digits, '_' and space, at most 16.
bool validModality(const std::string& text) {
  if (text.empty() || text.size() > 16) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ' ';
  });
}

std::string scalarText(const YAML::Node& node) {
  return node.IsScalar() ? trim(node.as<std::string>()) : "";
}

ForwardDestination parseEntry(const YAML::Node& entry, const std::string& path,
                              const std::string& where, std::vector<std::string>& problems) {
  ForwardDestination d;
  auto problem = [&](const std::string& field, const std::string& text, const YAML::Node& at) {
    problems.push_back(where + path + (field.empty() ? "" : "." + field) + ": " + text +
                       lineOf(at));
  };
  if (!entry.IsMap()) {
    problem("", "must be a mapping (name, type, ...)", entry);
    return d;
  }
  for (const auto& pair : entry) {
    const std::string key = pair.first.as<std::string>();
    if (kEntryKeys.count(key) == 0) problem("", "unknown key '" + key + "'", pair.first);
  }
  if (const YAML::Node name = entry["name"]; !name) {
    problem("name", "is required", entry);
  } else if (!validName(scalarText(name))) {
    problem("name", "'" + scalarText(name) + "' is not a name (letters, digits, - _ .; 1-64)",
            name);
  } else {
    d.name = scalarText(name);
  }
  const YAML::Node type = entry["type"];
  const std::string type_text = type ? scalarText(type) : "";
  if (!type) {
    problem("type", "is required (dicom or stow)", entry);
  } else if (type_text == "dicom") {
    d.type = ForwardType::kDicom;
  } else if (type_text == "stow") {
    d.type = ForwardType::kStow;
  } else {
    problem("type", "'" + type_text + "' is not dicom or stow", type);
  }
  const std::set<std::string> only_dicom = {"ae_title", "host", "port", "tls", "max_associations"};
  const std::set<std::string> only_stow = {"url", "token_file", "ca_file"};
  for (const auto& pair : entry) {
    const std::string key = pair.first.as<std::string>();
    if (type_text == "dicom" && only_stow.count(key) != 0) {
      problem(key, "is for a stow destination", pair.first);
    }
    if (type_text == "stow" && only_dicom.count(key) != 0 && key != "max_associations") {
      problem(key, "is for a dicom destination", pair.first);
    }
  }

  if (const YAML::Node title = entry["ae_title"]) {
    if (const auto parsed = dicom_values::parseAeTitle(scalarText(title)); !parsed.value) {
      problem("ae_title", parsed.error, title);
    } else {
      d.ae_title = *parsed.value;
    }
  }
  if (const YAML::Node host = entry["host"]) {
    if (!plausibleHost(scalarText(host))) {
      problem("host", "'" + scalarText(host) + "' is not a host name or IPv4 address", host);
    } else {
      d.host = scalarText(host);
    }
  }
  if (const YAML::Node port = entry["port"]) {
    if (const auto parsed = parseInteger(scalarText(port), 1, 65535); !parsed.value) {
      problem("port", parsed.error, port);
    } else {
      d.port = static_cast<std::uint16_t>(*parsed.value);
    }
  }
  if (const YAML::Node tls = entry["tls"]) {
    if (const auto value = parseBoolWord(scalarText(tls))) {
      d.tls = *value;
    } else {
      problem("tls", "'" + scalarText(tls) + "' is not true or false", tls);
    }
  }
  if (const YAML::Node max = entry["max_associations"]) {
    if (const auto parsed = parseInteger(scalarText(max), 1, 16); !parsed.value) {
      problem("max_associations", parsed.error, max);
    } else {
      d.max_associations = static_cast<int>(*parsed.value);
    }
  }
  if (const YAML::Node url = entry["url"]) {
    const std::string text = scalarText(url);
    if (!httpUrl(text) || hasControlOrSpace(text)) {
      problem("url", "is not an http:// or https:// URL", url);
    } else {
      d.url = text;
    }
  }
  if (const YAML::Node file = entry["token_file"]) d.token_file = scalarText(file);
  if (const YAML::Node file = entry["ca_file"]) d.ca_file = scalarText(file);

  if (const YAML::Node list = entry["sop_classes"]) {
    for (const auto& [item_path, text] : scalarList(list, path + ".sop_classes", where, problems)) {
      if (const auto parsed = dicom_values::parseUid(trim(text)); !parsed.value) {
        problems.push_back(where + item_path + ": " + parsed.error);
      } else {
        d.sop_classes.push_back(*parsed.value);
      }
    }
  }
  if (const YAML::Node list = entry["modalities"]) {
    for (const auto& [item_path, text] : scalarList(list, path + ".modalities", where, problems)) {
      if (!validModality(trim(text))) {
        problems.push_back(where + item_path + ": '" + text + "' is not a modality such as MG");
      } else {
        d.modalities.push_back(trim(text));
      }
    }
  }
  if (const YAML::Node list = entry["calling_aets"]) {
    for (const auto& [item_path, text] :
         scalarList(list, path + ".calling_aets", where, problems)) {
      if (const auto parsed = dicom_values::parseAeTitle(text); !parsed.value) {
        problems.push_back(where + item_path + ": " + parsed.error);
      } else {
        d.calling_aets.push_back(*parsed.value);
      }
    }
  }
  return d;
}

void replaceOrAdd(std::vector<ForwardDestination>& list, ForwardDestination destination) {
  for (auto& existing : list) {
    if (existing.name == destination.name) {
      existing = std::move(destination);
      return;
    }
  }
  list.push_back(std::move(destination));
}

}  // namespace

const char* toString(ForwardType type) { return type == ForwardType::kDicom ? "dicom" : "stow"; }

std::string urlWithoutCredentials(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto authority_end = url.find_first_of("/?#", scheme + 3);
  const auto at = url.rfind('@', authority_end == std::string::npos ? url.size() : authority_end);
  if (at == std::string::npos || at < scheme + 3) return url;
  return url.substr(0, scheme + 3) + url.substr(at + 1);
}

std::string ForwardDestination::endpoint() const {
  if (type == ForwardType::kStow) return urlWithoutCredentials(url);
  return ae_title + "@" + host + ":" + std::to_string(port) + (tls ? " (TLS)" : "");
}

std::vector<ForwardDestination> parseForwardDestinations(const YAML::Node& list,
                                                         const std::string& where,
                                                         std::vector<std::string>& problems) {
  std::vector<ForwardDestination> out;
  if (!list.IsSequence()) {
    problems.push_back(where + "forward: must be a list of destinations" + lineOf(list));
    return out;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    out.push_back(parseEntry(list[i], "forward[" + std::to_string(i) + "]", where, problems));
  }
  return out;
}

std::optional<std::string> applyForwardDicom(std::vector<ForwardDestination>& list,
                                             const std::string& value) {
  const std::string text = trim(value);
  if (text.empty()) return std::nullopt;  // unset
  const auto at = text.rfind('@');
  const auto colon = text.rfind(':');
  if (at == std::string::npos || colon == std::string::npos || colon < at) {
    return "'" + text + "' is not AE@host:port";
  }
  ForwardDestination d;
  d.name = "dicom";
  d.type = ForwardType::kDicom;
  const auto title = dicom_values::parseAeTitle(text.substr(0, at));
  if (!title.value) return title.error;
  d.ae_title = *title.value;
  d.host = text.substr(at + 1, colon - at - 1);
  if (!plausibleHost(d.host)) return "'" + d.host + "' is not a host name or IPv4 address";
  const auto port = parseInteger(text.substr(colon + 1), 1, 65535);
  if (!port.value) return port.error;
  d.port = static_cast<std::uint16_t>(*port.value);
  replaceOrAdd(list, std::move(d));
  return std::nullopt;
}

std::optional<std::string> applyForwardStowUrl(std::vector<ForwardDestination>& list,
                                               const std::string& value) {
  const std::string text = trim(value);
  if (text.empty()) return std::nullopt;
  if (!httpUrl(text) || hasControlOrSpace(text)) {
    return std::string("is not an http:// or https:// URL");
  }
  ForwardDestination d;
  d.name = "stow";
  d.type = ForwardType::kStow;
  d.url = text;
  for (const auto& existing : list) {
    if (existing.name == "stow") {  // keep its token and CA from the YAML entry
      d.token_file = existing.token_file;
      d.ca_file = existing.ca_file;
      d.token = existing.token;
    }
  }
  replaceOrAdd(list, std::move(d));
  return std::nullopt;
}

void checkForwardDestinations(const std::vector<ForwardDestination>& list,
                              std::vector<std::string>& problems) {
  std::map<std::string, std::size_t> first;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const ForwardDestination& d = list[i];
    const std::string at = "forward[" + std::to_string(i) + "]" +
                           (d.name.empty() ? std::string() : " (" + d.name + ")");
    if (!d.name.empty()) {
      if (const auto [it, added] = first.emplace(d.name, i); !added) {
        problems.push_back(at + ": the name is also forward[" + std::to_string(it->second) +
                           "]'s; names must be unique");
      }
    }
    if (d.type == ForwardType::kDicom) {
      if (d.ae_title.empty()) problems.push_back(at + ": a dicom destination needs ae_title");
      if (d.host.empty()) problems.push_back(at + ": a dicom destination needs host");
      if (d.port == 0) problems.push_back(at + ": a dicom destination needs port");
    } else if (d.url.empty()) {
      problems.push_back(at + ": a stow destination needs url");
    }
  }
}

}  // namespace gateway::config
