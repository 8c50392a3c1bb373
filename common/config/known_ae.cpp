#include "common/config/known_ae.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>

#include "common/config/value_parsers.h"
#include "common/config/yaml_fields.h"
#include "common/dicom_values/value_checks.h"

namespace gateway::config {
namespace {

constexpr const char* kServiceNames[] = {"worklist",   "mpps",  "store",
                                         "commitment", "query", "retrieve"};

const std::set<std::string> kEntryKeys = {
    "ae_title", "addresses", "services", "host", "port", "tls", "tls_fingerprints", "tls_subject"};

KnownAe parseEntry(const YAML::Node& entry, const std::string& path, const std::string& where,
                   std::vector<std::string>& problems) {
  KnownAe ae;
  auto problem = [&](const std::string& field, const std::string& text, const YAML::Node& at) {
    problems.push_back(where + path + (field.empty() ? "" : "." + field) + ": " + text +
                       lineOf(at));
  };
  for (const auto& pair : entry) {
    const std::string key = pair.first.as<std::string>();
    if (kEntryKeys.count(key) == 0) problem("", "unknown key '" + key + "'", pair.first);
  }
  const YAML::Node title = entry["ae_title"];
  if (!title) {
    problem("ae_title", "is required", entry);
  } else if (!title.IsScalar()) {
    problem("ae_title", "must be a plain value", title);
  } else if (const auto parsed = dicom_values::parseAeTitle(title.as<std::string>());
             !parsed.value) {
    problem("ae_title", parsed.error, title);
  } else {
    ae.ae_title = *parsed.value;
  }

  if (const YAML::Node addresses = entry["addresses"]) {
    for (const auto& [item_path, text] :
         scalarList(addresses, path + ".addresses", where, problems)) {
      std::string error;
      if (auto range = Ipv4Range::parse(text, &error)) {
        ae.addresses.push_back(*range);
      } else {
        problems.push_back(where + item_path + ": " + error);
      }
    }
  }

  if (const YAML::Node services = entry["services"]) {
    ae.services = ServiceSet();
    for (const auto& [item_path, text] :
         scalarList(services, path + ".services", where, problems)) {
      if (const auto service = parseAeService(trim(text))) {
        ae.services.add(*service);
      } else {
        problems.push_back(where + item_path + ": '" + text +
                           "' is not one of worklist, mpps, store, commitment, query, retrieve");
      }
    }
  }

  if (const YAML::Node host = entry["host"]) {
    const std::string text = host.IsScalar() ? trim(host.as<std::string>()) : "";
    if (!plausibleHost(text)) {
      problem("host", "'" + text + "' is not a host name or IPv4 address", host);
    } else {
      ae.host = text;
    }
  }
  if (const YAML::Node port = entry["port"]) {
    const auto parsed = parseInteger(port.IsScalar() ? port.as<std::string>() : "", 1, 65535);
    if (!parsed.value) {
      problem("port", parsed.error, port);
    } else {
      ae.port = static_cast<std::uint16_t>(*parsed.value);
    }
  }
  if (entry["host"] && !entry["port"]) problem("port", "is required with host", entry);
  if (entry["port"] && !entry["host"]) problem("host", "is required with port", entry);

  if (const YAML::Node tls = entry["tls"]) {
    const std::string text = tls.IsScalar() ? trim(tls.as<std::string>()) : "";
    if (const auto value = parseBoolWord(text)) {
      ae.tls = *value;
    } else {
      problem("tls", "'" + text + "' is not true or false", tls);
    }
  }

  if (const YAML::Node prints = entry["tls_fingerprints"]) {
    for (const auto& [item_path, text] :
         scalarList(prints, path + ".tls_fingerprints", where, problems)) {
      if (auto normalised = normaliseFingerprint(text)) {
        ae.tls_fingerprints.push_back(*normalised);
      } else {
        problems.push_back(where + item_path + ": '" + text +
                           "' is not a SHA-256 fingerprint (64 hex digits, colons allowed)");
      }
    }
  }
  if (const YAML::Node subject = entry["tls_subject"]) {
    const std::string text = subject.IsScalar() ? trim(subject.as<std::string>()) : "";
    if (text.empty()) {
      problem("tls_subject", "is empty", subject);
    } else {
      ae.tls_subject = text;
    }
  }
  return ae;
}

void rejectDuplicates(const std::vector<KnownAe>& entries, const std::string& where,
                      std::vector<std::string>& problems) {
  std::map<std::string, std::size_t> first;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].ae_title.empty()) continue;
    const auto [it, inserted] = first.emplace(entries[i].ae_title, i);
    if (!inserted) {
      problems.push_back(where + "known_aes[" + std::to_string(i) +
                         "].ae_title: " + entries[i].ae_title + " is already known_aes[" +
                         std::to_string(it->second) + "]; one entry per AE title");
    }
  }
}

}  // namespace

const char* toString(AeService service) { return kServiceNames[static_cast<std::size_t>(service)]; }

std::optional<AeService> parseAeService(std::string_view name) {
  for (const AeService service : kAllAeServices) {
    if (name == toString(service)) return service;
  }
  return std::nullopt;
}

ServiceSet::ServiceSet(std::initializer_list<AeService> services) {
  for (const AeService s : services) add(s);
}

ServiceSet ServiceSet::all() {
  ServiceSet set;
  for (const AeService s : kAllAeServices) set.add(s);
  return set;
}

std::string ServiceSet::toString() const {
  if (*this == all()) return "all";
  std::string out;
  for (const AeService s : kAllAeServices) {
    if (has(s)) out += (out.empty() ? "" : ",") + std::string(config::toString(s));
  }
  return out.empty() ? "none" : out;
}

bool KnownAe::allowsAddress(std::string_view address) const {
  if (addresses.empty()) return true;
  const auto parsed = parseIpv4Address(address);
  if (!parsed) return false;
  return std::any_of(addresses.begin(), addresses.end(),
                     [&](const Ipv4Range& range) { return range.contains(*parsed); });
}

std::vector<KnownAe> parseKnownAes(const YAML::Node& list, const std::string& where,
                                   std::vector<std::string>& problems) {
  std::vector<KnownAe> entries;
  if (list.IsNull()) return entries;
  if (!list.IsSequence()) {
    problems.push_back(where + "known_aes: must be a list of entries" + lineOf(list));
    return entries;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = "known_aes[" + std::to_string(i) + "]";
    if (!list[i].IsMap()) {
      problems.push_back(where + path + ": must be a mapping with at least ae_title" +
                         lineOf(list[i]));
      continue;
    }
    entries.push_back(parseEntry(list[i], path, where, problems));
  }
  rejectDuplicates(entries, where, problems);
  return entries;
}

std::vector<KnownAe> loadKnownAesFile(const std::filesystem::path& file,
                                      std::vector<std::string>& problems) {
  const std::string where = "known_aes_file " + file.string() + ": ";
  std::ifstream probe(file);
  if (!probe) {
    problems.push_back(where + "cannot be read");
    return {};
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    problems.push_back(where + "line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    return {};
  }
  return parseKnownAes(root, where, problems);
}

std::optional<std::string> parseKnownAesText(std::string_view text, std::vector<KnownAe>& out) {
  std::vector<KnownAe> entries;
  std::size_t pos = 0;
  int index = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item = trim(text.substr(pos, comma - pos));
    pos = comma + 1;
    ++index;
    if (item.empty()) continue;
    const std::size_t at = item.find('@');
    const auto title = dicom_values::parseAeTitle(item.substr(0, at));
    if (!title.value) return "entry " + std::to_string(index) + " '" + item + "': " + title.error;
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const KnownAe& e) { return e.ae_title == *title.value; });
    if (it == entries.end()) {
      entries.push_back(KnownAe{});
      it = entries.end() - 1;
      it->ae_title = *title.value;
    } else if (it->addresses.empty() || at == std::string::npos) {
      // "MAMMO1" (any address) beside "MAMMO1@10.0.0.5": which one is meant cannot be told.
      return "entry " + std::to_string(index) + " '" + item + "': " + *title.value +
             " is named twice, at least once without an address";
    }
    if (at != std::string::npos) {
      std::string error;
      const auto range = Ipv4Range::parse(item.substr(at + 1), &error);
      if (!range) return "entry " + std::to_string(index) + ": " + error;
      it->addresses.push_back(*range);
    }
  }
  out = std::move(entries);
  return std::nullopt;
}

std::optional<std::string> normaliseFingerprint(std::string_view text) {
  std::string t = trim(text);
  std::string lower = t;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* prefix : {"sha256:", "sha256 fingerprint=", "sha256="}) {
    if (lower.rfind(prefix, 0) == 0) {
      t = t.substr(std::string_view(prefix).size());
      break;
    }
  }
  std::string hex;
  for (const char c : t) {
    if (c == ':' || c == ' ') continue;
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return std::nullopt;
    hex.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (hex.size() != 64) return std::nullopt;
  return hex;
}

std::string describeKnownAes(const std::vector<KnownAe>& entries) {
  if (entries.empty()) return "none";
  std::string out = std::to_string(entries.size()) + ":";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const KnownAe& ae = entries[i];
    std::string from;
    for (const auto& range : ae.addresses) from += (from.empty() ? "" : "|") + range.toString();
    out += (i == 0 ? " " : "; ") + ae.ae_title + " from " + (from.empty() ? "any" : from) + " (" +
           ae.services.toString() + ")";
    if (!ae.host.empty()) {
      out += " at " + ae.host + ":" + std::to_string(ae.port) + (ae.tls ? " tls" : "");
    }
    if (ae.requiresCertificate()) out += " certificate-bound";
  }
  return out;
}

}  // namespace gateway::config
