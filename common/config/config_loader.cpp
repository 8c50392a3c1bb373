#include "common/config/config_loader.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "common/config/setting_table.h"

namespace gateway::config {
namespace {

std::string joinProblems(const std::vector<std::string>& problems) {
  std::string text = "invalid configuration:";
  for (const auto& p : problems) text += "\n  " + p;
  return text;
}

// Flattens a YAML mapping into dotted keys ("pacs.port"); lists become comma-separated.
void flattenYaml(const YAML::Node& node, const std::string& prefix, const std::string& file,
                 std::vector<std::pair<std::string, std::string>>& out,
                 std::vector<std::string>& problems) {
  for (const auto& entry : node) {
    const std::string name = entry.first.as<std::string>();
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    const YAML::Node& value = entry.second;
    const std::string where = file + ": line " + std::to_string(entry.first.Mark().line + 1);
    if (value.IsMap()) {
      flattenYaml(value, key, file, out, problems);
    } else if (value.IsSequence()) {
      std::string joined;
      for (const auto& item : value) {
        if (!item.IsScalar()) {
          problems.push_back(where + ": " + key + ": list items must be plain values");
          continue;
        }
        joined += (joined.empty() ? "" : ",") + item.as<std::string>();
      }
      out.emplace_back(key, joined);
    } else if (value.IsScalar()) {
      out.emplace_back(key, value.as<std::string>());
    } else {
      problems.push_back(where + ": " + key + " has no value");
    }
  }
}

void applyYaml(const std::filesystem::path& file, GatewayConfig& config,
               std::vector<std::string>& problems) {
  YAML::Node root;
  try {
    std::ifstream probe(file);
    if (!probe) {
      problems.push_back("config file " + file.string() + ": cannot be read");
      return;
    }
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    problems.push_back("config file " + file.string() + ": line " +
                       std::to_string(e.mark.line + 1) + ": " + e.msg);
    return;
  }
  if (root.IsNull()) return;
  if (!root.IsMap()) {
    problems.push_back("config file " + file.string() + ": the top level must be a mapping");
    return;
  }
  // known_aes is the one list of mappings: parsed as a table here. A plain value is the short
  // form, applied like any other setting below.
  const YAML::Node& read_only = root;  // operator[] on a const node never adds the key
  if (const YAML::Node known = read_only["known_aes"]; known && !known.IsScalar()) {
    config.known_aes = parseKnownAes(known, "config file " + file.string() + ": ", problems);
    root.remove("known_aes");
  }
  // So is forward (the destinations).
  if (const YAML::Node forward = read_only["forward"]) {
    config.forward.destinations =
        parseForwardDestinations(forward, "config file " + file.string() + ": ", problems);
    root.remove("forward");
  }
  std::vector<std::pair<std::string, std::string>> values;
  flattenYaml(root, "", file.string(), values, problems);
  for (const auto& [key, value] : values) {
    const SettingSpec* spec = findSettingByKey(key);
    if (spec == nullptr) {
      problems.push_back("config file " + file.string() + ": unknown key '" + key + "'");
      continue;
    }
    if (auto error = spec->apply(config, value)) {
      problems.push_back("config file " + file.string() + ": " + key + ": " + *error);
    }
  }
}

// FORWARD_DICOM / FORWARD_STOW_URL (and the stow token and CA) become destinations "dicom"
// and "stow", replacing YAML entries of those names.
void mergeForwardShortcuts(GatewayConfig& config, std::vector<std::string>& problems) {
  ForwardSettings& forward = config.forward;
  if (auto error = applyForwardDicom(forward.destinations, forward.dicom)) {
    problems.push_back("FORWARD_DICOM: " + *error);
  }
  if (auto error = applyForwardStowUrl(forward.destinations, forward.stow_url)) {
    problems.push_back("FORWARD_STOW_URL: " + *error);
  }
  const bool stow_extras = !forward.stow_token_file.empty() || !forward.stow_token.empty() ||
                           !forward.stow_ca_file.empty();
  if (!stow_extras) return;
  for (auto& d : forward.destinations) {
    if (d.name != "stow" || d.type != ForwardType::kStow) continue;
    if (!forward.stow_token_file.empty()) d.token_file = forward.stow_token_file;
    if (!forward.stow_token.empty()) d.token = forward.stow_token;
    if (!forward.stow_ca_file.empty()) d.ca_file = forward.stow_ca_file;
    return;
  }
  problems.push_back(
      "FORWARD_STOW_TOKEN_FILE, FORWARD_STOW_TOKEN and FORWARD_STOW_CA_FILE need FORWARD_STOW_URL "
      "(or a forward entry named stow)");
}

// "pacs.port (PACS_PORT)": how problems that span settings name each one.
std::string named(const char* key) {
  const SettingSpec* spec = findSettingByKey(key);
  return spec == nullptr ? key : std::string(key) + " (" + spec->env + ")";
}

// The settings that only make sense together, once every source has been applied.
void checkCombinations(const GatewayConfig& config, std::vector<std::string>& problems) {
  const std::pair<const char*, std::uint16_t> ports[] = {{"pacs.port", config.pacs.port},
                                                         {"pacs.tls_port", config.pacs.tls_port},
                                                         {"mwl.port", config.mwl.port},
                                                         {"mwl.tls_port", config.mwl.tls_port}};
  for (std::size_t i = 0; i < std::size(ports); ++i) {
    for (std::size_t j = i + 1; j < std::size(ports); ++j) {
      if (ports[i].second != 0 && ports[i].second == ports[j].second) {
        problems.push_back(std::string(ports[i].first) + " and " + ports[j].first + " are both " +
                           std::to_string(ports[i].second) + "; the services need different ports");
      }
    }
  }
  if (config.pacs.port == 0 && config.pacs.tls_port == 0) {
    problems.push_back(named("pacs.port") + " and " + named("pacs.tls_port") +
                       " are both 0: the storage service would have no port");
  }
  if (config.mwl.port == 0 && config.mwl.tls_port == 0) {
    problems.push_back(named("mwl.port") + " and " + named("mwl.tls_port") +
                       " are both 0: the worklist service would have no port");
  }

  const bool tls_port = config.pacs.tls_port != 0 || config.mwl.tls_port != 0;
  if (tls_port && config.tls.cert.empty()) {
    problems.push_back(named("tls.cert") + " is required for a TLS port (" +
                       named(config.pacs.tls_port != 0 ? "pacs.tls_port" : "mwl.tls_port") + ")");
  }
  if (config.tls.cert.empty() != config.tls.key.empty()) {
    problems.push_back(named("tls.cert") + " and " + named("tls.key") + " go together");
  }
  if (config.tls.verify_peer && config.tls.ca.empty()) {
    problems.push_back(named("tls.verify_peer") + " needs " + named("tls.ca") +
                       ": client certificates are verified against it");
  }
  for (std::size_t i = 0; i < config.known_aes.size(); ++i) {
    if (config.known_aes[i].requiresCertificate() && config.tls.ca.empty()) {
      problems.push_back("known_aes[" + std::to_string(i) + "] (" + config.known_aes[i].ae_title +
                         ") names a client certificate: " + named("tls.ca") +
                         " is needed to ask for one");
    }
  }

  checkForwardDestinations(config.forward.destinations, problems);
  for (const auto& d : config.forward.destinations) {
    if (d.type == ForwardType::kDicom && d.tls && config.tls.ca.empty()) {
      problems.push_back("forward destination " + d.name + " uses TLS: " + named("tls.ca") +
                         " is needed to verify it");
    }
  }

  const bool any_address = std::any_of(config.known_aes.begin(), config.known_aes.end(),
                                       [](const KnownAe& ae) { return !ae.addresses.empty(); });
  const std::pair<const char*, AccessPolicy> policies[] = {{"pacs.access", config.pacs.access},
                                                           {"mwl.access", config.mwl.access}};
  for (const auto& [key, policy] : policies) {
    if (policy != AccessPolicy::kOpen && config.known_aes.empty()) {
      problems.push_back(named(key) + " is " + toString(policy) +
                         " but known_aes is empty: no AE could connect");
    } else if (policy == AccessPolicy::kKnownAddresses && !any_address) {
      problems.push_back(named(key) +
                         " is known-addresses but no known_aes entry lists an address");
    }
  }
}

std::vector<std::string> checkDirectoryWritable(const std::filesystem::path& dir,
                                                const std::string& setting) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return {setting + ": cannot create " + dir.string() + ": " + ec.message()};
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return {setting + ": " + dir.string() + " is not writable"};
  }
  return {};
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> problems)
    : std::runtime_error(joinProblems(problems)), problems_(std::move(problems)) {}

ConfigSources ConfigSources::fromProcessEnvironment() {
  ConfigSources sources;
  if (const char* file = std::getenv("GATEWAY_CONFIG"); file != nullptr && *file != '\0') {
    sources.yaml_file = file;
  }
  for (const auto& spec : settingTable()) {
    if (const char* value = std::getenv(spec.env); value != nullptr) {
      sources.environment.emplace_back(spec.env, value);
    }
  }
  return sources;
}

GatewayConfig loadConfig(const ConfigSources& sources) {
  GatewayConfig config;
  std::vector<std::string> problems;
  if (sources.yaml_file) applyYaml(*sources.yaml_file, config, problems);
  for (const auto& [name, value] : sources.environment) {
    const SettingSpec* spec = nullptr;
    for (const auto& s : settingTable()) {
      if (name == s.env) spec = &s;
    }
    if (spec == nullptr) continue;  // not one of ours
    if (auto error = spec->apply(config, value)) {
      problems.push_back("environment " + name + ": " + *error);
    }
  }
  for (const auto& [flag, value] : sources.flags) {
    const SettingSpec* spec = findSettingByFlag(flag);
    if (spec == nullptr) {
      problems.push_back("unknown option " + flag);
      continue;
    }
    if (auto error = spec->apply(config, value)) problems.push_back(flag + ": " + *error);
  }
  if (!config.known_aes_file.empty()) {
    if (!config.known_aes.empty()) {
      problems.push_back(named("known_aes") + " and " + named("known_aes_file") +
                         " are both given; use one of them");
    } else {
      config.known_aes = loadKnownAesFile(config.known_aes_file, problems);
    }
  }
  mergeForwardShortcuts(config, problems);
  checkCombinations(config, problems);
  if (!problems.empty()) throw ConfigError(std::move(problems));
  return config;
}

std::vector<std::string> prepareWritablePaths(const GatewayConfig& config, bool pacs, bool mwl) {
  std::vector<std::string> problems;
  auto add = [&problems](std::vector<std::string> more) {
    problems.insert(problems.end(), more.begin(), more.end());
  };
  if (pacs) {
    add(checkDirectoryWritable(config.pacs.storage_path, "pacs.storage_path (PACS_STORAGE_PATH)"));
    add(checkDirectoryWritable(config.pacs.db_path.parent_path().empty()
                                   ? std::filesystem::path(".")
                                   : config.pacs.db_path.parent_path(),
                               "pacs.db_path (PACS_DB_PATH)"));
  }
  if (mwl) {
    add(checkDirectoryWritable(config.mwl.db_path.parent_path().empty()
                                   ? std::filesystem::path(".")
                                   : config.mwl.db_path.parent_path(),
                               "mwl.db_path (MWL_DB_PATH)"));
  }
  return problems;
}

std::vector<std::pair<std::string, std::string>> describe(const GatewayConfig& config) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& spec : settingTable()) out.emplace_back(spec.key, spec.show(config));
  return out;
}

}  // namespace gateway::config
