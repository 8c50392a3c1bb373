#include "common/config/setting_table.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "common/config/value_parsers.h"
#include "common/dicom_values/value_checks.h"

namespace gateway::config {
namespace {

using Error = std::optional<std::string>;

template <typename Field>
Error setInteger(Field& field, const std::string& value, std::int64_t min, std::int64_t max) {
  const auto parsed = parseInteger(value, min, max);
  if (!parsed.value) return parsed.error;
  field = static_cast<Field>(*parsed.value);
  return std::nullopt;
}

Error setSeconds(std::chrono::seconds& field, const std::string& value, std::int64_t max) {
  const auto parsed = parseInteger(value, 1, max);
  if (!parsed.value) return parsed.error;
  field = std::chrono::seconds(*parsed.value);
  return std::nullopt;
}

Error setAeTitle(std::string& field, const std::string& value) {
  const auto parsed = dicom_values::parseAeTitle(value);
  if (!parsed.value) return parsed.error;
  field = *parsed.value;
  return std::nullopt;
}

Error setPath(std::filesystem::path& field, const std::string& value) {
  const std::string t = trim(value);
  if (t.empty()) return std::string("path is empty");
  field = std::filesystem::path(t);
  return std::nullopt;
}

// A file that may be left unset: empty means none.
Error setOptionalPath(std::filesystem::path& field, const std::string& value) {
  field = std::filesystem::path(trim(value));
  return std::nullopt;
}

std::string showPath(const std::filesystem::path& path) {
  return path.empty() ? std::string("(none)") : path.string();
}

Error setAeTitleList(std::vector<std::string>& field, const std::string& value) {
  std::vector<std::string> titles;
  std::stringstream in(value);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (trim(item).empty()) continue;
    const auto parsed = dicom_values::parseAeTitle(item);
    if (!parsed.value) return parsed.error;
    if (std::find(titles.begin(), titles.end(), *parsed.value) == titles.end()) {
      titles.push_back(*parsed.value);
    }
  }
  field = std::move(titles);
  return std::nullopt;
}

std::string showAeTitleList(const std::vector<std::string>& titles) {
  std::string out;
  for (const auto& t : titles) out += (out.empty() ? "" : ",") + t;
  return out.empty() ? std::string("(none)") : out;
}

Error setAccess(AccessPolicy& field, const std::string& value) {
  const std::string t = trim(value);
  if (t == "open") {
    field = AccessPolicy::kOpen;
  } else if (t == "known-aes") {
    field = AccessPolicy::kKnownAes;
  } else if (t == "known-addresses") {
    field = AccessPolicy::kKnownAddresses;
  } else {
    return "'" + t + "' is not open, known-aes or known-addresses";
  }
  return std::nullopt;
}

Error setBool(bool& field, const std::string& value) {
  std::string t = trim(value);
  for (char& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (t == "true" || t == "1" || t == "yes" || t == "on") {
    field = true;
  } else if (t == "false" || t == "0" || t == "no" || t == "off") {
    field = false;
  } else {
    return "'" + value + "' is not true or false";
  }
  return std::nullopt;
}

Error setUidList(std::vector<std::string>& field, const std::string& value) {
  std::vector<std::string> uids;
  std::stringstream in(value);
  std::string item;
  while (std::getline(in, item, ',')) {
    const std::string t = trim(item);
    if (t.empty()) continue;
    const auto parsed = dicom_values::parseUid(t);
    if (!parsed.value) return parsed.error;
    uids.push_back(*parsed.value);
  }
  field = std::move(uids);
  return std::nullopt;
}

Error setByteSize(std::uint64_t& field, const std::string& value) {
  const auto parsed = parseByteSize(value);
  if (!parsed.value) return parsed.error;
  field = *parsed.value;
  return std::nullopt;
}

Error setIpv4(std::string& field, const std::string& value) {
  const std::string t = trim(value);
  unsigned a = 0, b = 0, d = 0, e = 0;
  char tail = 0;
  if (std::sscanf(t.c_str(), "%u.%u.%u.%u%c", &a, &b, &d, &e, &tail) != 4 || a > 255 || b > 255 ||
      d > 255 || e > 255) {
    return "'" + t + "' is not an IPv4 address";
  }
  field = t;
  return std::nullopt;
}

// An IANA zone name that this host's time zone database has (or UTC): a misspelt zone would
// otherwise silently be UTC and put every appointment on the wrong hour.
Error setTimezone(std::string& field, const std::string& value) {
  const std::string t = trim(value);
  if (t.empty()) {
    field.clear();
    return std::nullopt;
  }
  bool plain = t.front() != '/' && t.find("..") == std::string::npos;
  for (const char c : t) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' &&
        c != '+') {
      plain = false;
    }
  }
  if (!plain) return "'" + t + "' is not a time zone name such as Europe/London";
  if (t == "UTC") {
    field = t;
    return std::nullopt;
  }
  const char* dir = std::getenv("TZDIR");
  const std::filesystem::path zoneinfo =
      dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(zoneinfo / t, ec)) {
    return "'" + t + "' is not a time zone known in " + zoneinfo.string() + " (tzdata)";
  }
  field = t;
  return std::nullopt;
}

std::string joinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out.empty() ? "(all storage classes)" : out;
}

const std::vector<SettingSpec> kSettings = {
    {"log_level", "LOG_LEVEL", "--log-level", "trace, debug, info, warning, error, critical or off",
     [](GatewayConfig& c, const std::string& v) -> Error {
       const auto parsed = parseLogLevel(v);
       if (!parsed.value) return parsed.error;
       c.log_level = *parsed.value;
       return std::nullopt;
     },
     [](const GatewayConfig& c) { return c.log_level; }},
    {"network.bind_address", "GATEWAY_BIND_ADDRESS", "--bind-address",
     "IPv4 address both services listen on",
     [](GatewayConfig& c, const std::string& v) { return setIpv4(c.network.bind_address, v); },
     [](const GatewayConfig& c) { return c.network.bind_address; }},
    {"network.max_associations", "GATEWAY_MAX_ASSOCIATIONS", "--max-associations",
     "concurrent associations per service (1-256); more get a transient reject",
     [](GatewayConfig& c, const std::string& v) {
       return setInteger(c.network.max_associations, v, 1, 256);
     },
     [](const GatewayConfig& c) { return std::to_string(c.network.max_associations); }},
    {"network.acse_timeout", "GATEWAY_ACSE_TIMEOUT", "--acse-timeout",
     "seconds a peer has to send its whole association request",
     [](GatewayConfig& c, const std::string& v) {
       return setSeconds(c.network.acse_timeout, v, 3600);
     },
     [](const GatewayConfig& c) { return std::to_string(c.network.acse_timeout.count()); }},
    {"network.dimse_timeout", "GATEWAY_DIMSE_TIMEOUT", "--dimse-timeout",
     "seconds of silence allowed inside one DIMSE message",
     [](GatewayConfig& c, const std::string& v) {
       return setSeconds(c.network.dimse_timeout, v, 3600);
     },
     [](const GatewayConfig& c) { return std::to_string(c.network.dimse_timeout.count()); }},
    {"network.idle_timeout", "GATEWAY_IDLE_TIMEOUT", "--idle-timeout",
     "seconds an open association may stay silent between messages",
     [](GatewayConfig& c, const std::string& v) {
       return setSeconds(c.network.idle_timeout, v, 86400);
     },
     [](const GatewayConfig& c) { return std::to_string(c.network.idle_timeout.count()); }},
    {"network.max_pdu_size", "GATEWAY_MAX_PDU_SIZE", "--max-pdu-size",
     "largest PDU accepted, bytes (4096-131072)",
     [](GatewayConfig& c, const std::string& v) {
       return setInteger(c.network.max_pdu_size, v, 4096, 131072);
     },
     [](const GatewayConfig& c) { return std::to_string(c.network.max_pdu_size); }},
    {"network.shutdown_timeout", "GATEWAY_SHUTDOWN_TIMEOUT", "--shutdown-timeout",
     "seconds in-flight transfers may finish after SIGTERM",
     [](GatewayConfig& c, const std::string& v) {
       return setSeconds(c.network.shutdown_timeout, v, 3600);
     },
     [](const GatewayConfig& c) { return std::to_string(c.network.shutdown_timeout.count()); }},
    {"network.max_pending", "GATEWAY_MAX_PENDING", "--max-pending",
     "connections per service still sending their association request (1-4096)",
     [](GatewayConfig& c, const std::string& v) {
       return setInteger(c.network.max_pending, v, 1, 4096);
     },
     [](const GatewayConfig& c) { return std::to_string(c.network.max_pending); }},
    {"network.max_pending_per_address", "GATEWAY_MAX_PENDING_PER_ADDRESS",
     "--max-pending-per-address", "of those, how many one source address may have (1-4096)",
     [](GatewayConfig& c, const std::string& v) {
       return setInteger(c.network.max_pending_per_address, v, 1, 4096);
     },
     [](const GatewayConfig& c) { return std::to_string(c.network.max_pending_per_address); }},
    {"network.max_associations_per_address", "GATEWAY_MAX_ASSOCIATIONS_PER_ADDRESS",
     "--max-associations-per-address",
     "concurrent associations per service from one source address (1-256)",
     [](GatewayConfig& c, const std::string& v) {
       return setInteger(c.network.max_associations_per_address, v, 1, 256);
     },
     [](const GatewayConfig& c) { return std::to_string(c.network.max_associations_per_address); }},
    {"network.max_nesting", "GATEWAY_MAX_NESTING", "--max-nesting",
     "deepest sequence nesting accepted in a received dataset (1-1000)",
     [](GatewayConfig& c, const std::string& v) {
       return setInteger(c.network.max_nesting, v, 1, 1000);
     },
     [](const GatewayConfig& c) { return std::to_string(c.network.max_nesting); }},
    {"pacs.aet", "PACS_AET", "--pacs-aet", "AE title of the storage service",
     [](GatewayConfig& c, const std::string& v) { return setAeTitle(c.pacs.aet, v); },
     [](const GatewayConfig& c) { return c.pacs.aet; }},
    {"pacs.port", "PACS_PORT", "--pacs-port", "TCP port of the storage service (0: none, TLS only)",
     [](GatewayConfig& c, const std::string& v) { return setInteger(c.pacs.port, v, 0, 65535); },
     [](const GatewayConfig& c) { return std::to_string(c.pacs.port); }},
    {"pacs.tls_port", "PACS_TLS_PORT", "--pacs-tls-port",
     "DICOM TLS port of the storage service (0: none, the default)",
     [](GatewayConfig& c, const std::string& v) {
       return setInteger(c.pacs.tls_port, v, 0, 65535);
     },
     [](const GatewayConfig& c) { return std::to_string(c.pacs.tls_port); }},
    {"pacs.access", "PACS_ACCESS", "--pacs-access",
     "who may store: open, known-aes (known_aes from their addresses) or known-addresses",
     [](GatewayConfig& c, const std::string& v) { return setAccess(c.pacs.access, v); },
     [](const GatewayConfig& c) { return toString(c.pacs.access); }},
    {"pacs.aet_aliases", "PACS_AET_ALIASES", "--pacs-aet-aliases",
     "comma-separated called AE titles accepted besides PACS_AET",
     [](GatewayConfig& c, const std::string& v) { return setAeTitleList(c.pacs.aet_aliases, v); },
     [](const GatewayConfig& c) { return showAeTitleList(c.pacs.aet_aliases); }},
    {"pacs.storage_path", "PACS_STORAGE_PATH", "--pacs-storage-path",
     "folder of the hash-based file store",
     [](GatewayConfig& c, const std::string& v) { return setPath(c.pacs.storage_path, v); },
     [](const GatewayConfig& c) { return c.pacs.storage_path.string(); }},
    {"pacs.db_path", "PACS_DB_PATH", "--pacs-db-path", "SQLite index of stored instances",
     [](GatewayConfig& c, const std::string& v) { return setPath(c.pacs.db_path, v); },
     [](const GatewayConfig& c) { return c.pacs.db_path.string(); }},
    {"pacs.duplicate_policy", "PACS_DUPLICATE_POLICY", "--pacs-duplicate-policy",
     "keep (first copy wins) or replace (atomically) when a SOP Instance UID arrives again",
     [](GatewayConfig& c, const std::string& v) -> Error {
       const std::string t = trim(v);
       if (t == "keep") {
         c.pacs.duplicate_policy = DuplicatePolicy::kKeepFirst;
       } else if (t == "replace") {
         c.pacs.duplicate_policy = DuplicatePolicy::kReplace;
       } else {
         return "'" + t + "' is not keep or replace";
       }
       return std::nullopt;
     },
     [](const GatewayConfig& c) { return toString(c.pacs.duplicate_policy); }},
    {"pacs.max_object_size", "PACS_MAX_OBJECT_SIZE", "--pacs-max-object-size",
     "largest dataset accepted in one C-STORE, as sent and inflated (bytes, or KiB/MiB/GiB)",
     [](GatewayConfig& c, const std::string& v) { return setByteSize(c.pacs.max_object_size, v); },
     [](const GatewayConfig& c) { return std::to_string(c.pacs.max_object_size); }},
    {"pacs.allowed_sop_classes", "PACS_ALLOWED_SOP_CLASSES", "--pacs-allowed-sop-classes",
     "comma-separated SOP Class UIDs to accept (default: every storage class)",
     [](GatewayConfig& c, const std::string& v) {
       return setUidList(c.pacs.allowed_sop_classes, v);
     },
     [](const GatewayConfig& c) { return joinList(c.pacs.allowed_sop_classes); }},
    {"pacs.commitment_report_delay", "PACS_COMMITMENT_REPORT_DELAY",
     "--pacs-commitment-report-delay",
     "seconds before a storage commitment report is sent (0: at once, on the requester's "
     "association if open)",
     [](GatewayConfig& c, const std::string& v) -> Error {
       const auto parsed = parseInteger(v, 0, 3600);
       if (!parsed.value) return parsed.error;
       c.pacs.commitment_report_delay = std::chrono::seconds(*parsed.value);
       return std::nullopt;
     },
     [](const GatewayConfig& c) { return std::to_string(c.pacs.commitment_report_delay.count()); }},
    {"pacs.retention_days", "PACS_RETENTION_DAYS", "--pacs-retention-days",
     "purge instances older than this many days once every destination has them (0: off)",
     [](GatewayConfig& c, const std::string& v) {
       return setInteger(c.pacs.retention_days, v, 0, 36500);
     },
     [](const GatewayConfig& c) {
       return c.pacs.retention_days == 0 ? std::string("0 (off)")
                                         : std::to_string(c.pacs.retention_days);
     }},
    {"pacs.min_free_percent", "PACS_MIN_FREE_PERCENT", "--pacs-min-free-percent",
     "keep this much of the storage disk free by purging the oldest forwarded instances (0: off)",
     [](GatewayConfig& c, const std::string& v) {
       return setInteger(c.pacs.min_free_percent, v, 0, 90);
     },
     [](const GatewayConfig& c) {
       return c.pacs.min_free_percent == 0 ? std::string("0 (off)")
                                           : std::to_string(c.pacs.min_free_percent);
     }},
    {"pacs.retention_interval", "PACS_RETENTION_INTERVAL", "--pacs-retention-interval",
     "seconds between two applications of the retention policy inside serve",
     [](GatewayConfig& c, const std::string& v) {
       return setSeconds(c.pacs.retention_interval, v, 86400);
     },
     [](const GatewayConfig& c) { return std::to_string(c.pacs.retention_interval.count()); }},
    {"forward_dicom", "FORWARD_DICOM", "--forward-dicom",
     "forward every stored image to this C-STORE SCP, AE@host:port (destination \"dicom\")",
     [](GatewayConfig& c, const std::string& v) -> Error {
       std::vector<ForwardDestination> scratch;
       if (auto error = applyForwardDicom(scratch, v)) return error;
       c.forward.dicom = trim(v);
       return std::nullopt;
     },
     [](const GatewayConfig& c) {
       return c.forward.dicom.empty() ? std::string("(none)") : c.forward.dicom;
     }},
    {"forward_stow_url", "FORWARD_STOW_URL", "--forward-stow-url",
     "forward every stored image to this STOW-RS studies URL (destination \"stow\")",
     [](GatewayConfig& c, const std::string& v) -> Error {
       std::vector<ForwardDestination> scratch;
       if (auto error = applyForwardStowUrl(scratch, v)) return error;
       c.forward.stow_url = trim(v);
       return std::nullopt;
     },
     [](const GatewayConfig& c) {
       return c.forward.stow_url.empty() ? std::string("(none)")
                                         : urlWithoutCredentials(c.forward.stow_url);
     }},
    {"forward_stow_token_file", "FORWARD_STOW_TOKEN_FILE", "--forward-stow-token-file",
     "file holding the bearer token of the stow destination",
     [](GatewayConfig& c, const std::string& v) {
       return setOptionalPath(c.forward.stow_token_file, v);
     },
     [](const GatewayConfig& c) { return showPath(c.forward.stow_token_file); }},
    {"forward_stow_token", "FORWARD_STOW_TOKEN", "--forward-stow-token",
     "bearer token of the stow destination (prefer the token file; never shown or logged)",
     [](GatewayConfig& c, const std::string& v) -> Error {
       c.forward.stow_token = trim(v);
       return std::nullopt;
     },
     [](const GatewayConfig& c) {
       return c.forward.stow_token.empty() ? std::string("(none)") : std::string("(set)");
     }},
    {"forward_stow_ca_file", "FORWARD_STOW_CA_FILE", "--forward-stow-ca-file",
     "PEM CA bundle verifying the stow destination's HTTPS certificate (default: the system's)",
     [](GatewayConfig& c, const std::string& v) {
       return setOptionalPath(c.forward.stow_ca_file, v);
     },
     [](const GatewayConfig& c) { return showPath(c.forward.stow_ca_file); }},
    {"forward_retry_max_delay", "FORWARD_RETRY_MAX_DELAY", "--forward-retry-max-delay",
     "longest wait, seconds, between two attempts to forward an image (backoff from 1 s)",
     [](GatewayConfig& c, const std::string& v) {
       return setSeconds(c.forward.retry_max_delay, v, 86400);
     },
     [](const GatewayConfig& c) { return std::to_string(c.forward.retry_max_delay.count()); }},
    {"mwl.max_query_size", "MWL_MAX_QUERY_SIZE", "--mwl-max-query-size",
     "largest C-FIND identifier accepted (bytes, or with KiB/MiB)",
     [](GatewayConfig& c, const std::string& v) { return setByteSize(c.mwl.max_query_size, v); },
     [](const GatewayConfig& c) { return std::to_string(c.mwl.max_query_size); }},
    {"mwl.max_mpps_dataset_size", "MPPS_MAX_DATASET_SIZE", "--mpps-max-dataset-size",
     "largest MPPS N-CREATE/N-SET dataset accepted (bytes, or with KiB/MiB)",
     [](GatewayConfig& c, const std::string& v) {
       return setByteSize(c.mwl.max_mpps_dataset_size, v);
     },
     [](const GatewayConfig& c) { return std::to_string(c.mwl.max_mpps_dataset_size); }},
    {"mwl.aet", "MWL_AET", "--mwl-aet", "AE title of the worklist service",
     [](GatewayConfig& c, const std::string& v) { return setAeTitle(c.mwl.aet, v); },
     [](const GatewayConfig& c) { return c.mwl.aet; }},
    {"mwl.port", "MWL_PORT", "--mwl-port", "TCP port of the worklist service (0: none, TLS only)",
     [](GatewayConfig& c, const std::string& v) { return setInteger(c.mwl.port, v, 0, 65535); },
     [](const GatewayConfig& c) { return std::to_string(c.mwl.port); }},
    {"mwl.tls_port", "MWL_TLS_PORT", "--mwl-tls-port",
     "DICOM TLS port of the worklist service (0: none, the default)",
     [](GatewayConfig& c, const std::string& v) { return setInteger(c.mwl.tls_port, v, 0, 65535); },
     [](const GatewayConfig& c) { return std::to_string(c.mwl.tls_port); }},
    {"mwl.access", "MWL_ACCESS", "--mwl-access",
     "who may query and report: open, known-aes or known-addresses",
     [](GatewayConfig& c, const std::string& v) { return setAccess(c.mwl.access, v); },
     [](const GatewayConfig& c) { return toString(c.mwl.access); }},
    {"mwl.aet_aliases", "MWL_AET_ALIASES", "--mwl-aet-aliases",
     "comma-separated called AE titles accepted besides MWL_AET",
     [](GatewayConfig& c, const std::string& v) { return setAeTitleList(c.mwl.aet_aliases, v); },
     [](const GatewayConfig& c) { return showAeTitleList(c.mwl.aet_aliases); }},
    {"mwl.db_path", "MWL_DB_PATH", "--mwl-db-path", "SQLite worklist database",
     [](GatewayConfig& c, const std::string& v) { return setPath(c.mwl.db_path, v); },
     [](const GatewayConfig& c) { return c.mwl.db_path.string(); }},
    {"mwl.calling_aet_as_station", "MWL_CALLING_AET_AS_STATION", "--mwl-calling-aet-as-station",
     "true: a query without Scheduled Station AE Title gets only the caller's items",
     [](GatewayConfig& c, const std::string& v) {
       return setBool(c.mwl.calling_aet_as_station, v);
     },
     [](const GatewayConfig& c) {
       return std::string(c.mwl.calling_aet_as_station ? "true" : "false");
     }},
    {"mwl.reply_charset", "MWL_REPLY_CHARSET", "--mwl-reply-charset",
     "character set of non-ASCII replies: ISO_IR 192 (UTF-8) or ISO_IR 100 (Latin-1)",
     [](GatewayConfig& c, const std::string& v) -> Error {
       const std::string t = trim(v);
       if (t != "ISO_IR 192" && t != "ISO_IR 100")
         return "'" + t + "' is not ISO_IR 192 or ISO_IR 100";
       c.mwl.reply_charset = t;
       return std::nullopt;
     },
     [](const GatewayConfig& c) { return c.mwl.reply_charset; }},
    {"mwl.reset_at", "MWL_RESET_AT", "--mwl-reset-at",
     "HH:MM: back up and clear the worklist daily inside serve (default: off)",
     [](GatewayConfig& c, const std::string& v) -> Error {
       const std::string t = trim(v);
       if (t.empty() || t == "off") {
         c.mwl.reset_at.clear();
         return std::nullopt;
       }
       unsigned hour = 0;
       unsigned minute = 0;
       char tail = 0;
       if (t.size() != 5 || std::sscanf(t.c_str(), "%2u:%2u%c", &hour, &minute, &tail) != 2 ||
           hour > 23 || minute > 59) {
         return "'" + t + "' is not a time HH:MM";
       }
       c.mwl.reset_at = t;
       return std::nullopt;
     },
     [](const GatewayConfig& c) {
       return c.mwl.reset_at.empty() ? std::string("off") : c.mwl.reset_at;
     }},
    {"mwl.backup_dir", "MWL_BACKUP_DIR", "--mwl-backup-dir",
     "folder for worklist backups (default: backups/ beside the worklist database)",
     [](GatewayConfig& c, const std::string& v) { return setPath(c.mwl.backup_dir, v); },
     [](const GatewayConfig& c) { return c.mwl.effectiveBackupDir().string(); }},
    {"mwl.backup_keep", "MWL_BACKUP_KEEP", "--mwl-backup-keep",
     "worklist backups kept by each reset (1-3650)",
     [](GatewayConfig& c, const std::string& v) {
       return setInteger(c.mwl.backup_keep, v, 1, 3650);
     },
     [](const GatewayConfig& c) { return std::to_string(c.mwl.backup_keep); }},
    {"tls.cert", "GATEWAY_TLS_CERT", "--tls-cert",
     "PEM certificate (chain) of the TLS ports and of our TLS calls",
     [](GatewayConfig& c, const std::string& v) { return setOptionalPath(c.tls.cert, v); },
     [](const GatewayConfig& c) { return showPath(c.tls.cert); }},
    {"tls.key", "GATEWAY_TLS_KEY", "--tls-key", "PEM private key of that certificate",
     [](GatewayConfig& c, const std::string& v) { return setOptionalPath(c.tls.key, v); },
     [](const GatewayConfig& c) { return showPath(c.tls.key); }},
    {"tls.ca", "GATEWAY_TLS_CA", "--tls-ca",
     "PEM CA bundle: client certificates are checked against it, and so are the servers we call",
     [](GatewayConfig& c, const std::string& v) { return setOptionalPath(c.tls.ca, v); },
     [](const GatewayConfig& c) { return showPath(c.tls.ca); }},
    {"tls.verify_peer", "GATEWAY_TLS_VERIFY_PEER", "--tls-verify-peer",
     "true: TLS clients must present a certificate from the CA (mutual TLS)",
     [](GatewayConfig& c, const std::string& v) { return setBool(c.tls.verify_peer, v); },
     [](const GatewayConfig& c) { return std::string(c.tls.verify_peer ? "true" : "false"); }},
    {"known_aes", "GATEWAY_KNOWN_AES", "--known-aes",
     "known remote AEs: a YAML list, or here AE[@ADDRESS[/PREFIX]],... (all services)",
     [](GatewayConfig& c, const std::string& v) { return parseKnownAesText(v, c.known_aes); },
     [](const GatewayConfig& c) { return describeKnownAes(c.known_aes); }},
    {"known_aes_file", "GATEWAY_KNOWN_AES_FILE", "--known-aes-file",
     "YAML file holding just the known_aes list",
     [](GatewayConfig& c, const std::string& v) { return setOptionalPath(c.known_aes_file, v); },
     [](const GatewayConfig& c) { return showPath(c.known_aes_file); }},
    {"timezone", "GATEWAY_TIMEZONE", "--timezone",
     "the site's time zone, e.g. Europe/London (default: the host's, TZ)",
     [](GatewayConfig& c, const std::string& v) { return setTimezone(c.timezone, v); },
     [](const GatewayConfig& c) {
       return c.timezone.empty() ? std::string("(the host's)") : c.timezone;
     }},
    {"http.port", "GATEWAY_HTTP_PORT", "--http-port",
     "TCP port of the status page, JSON API and metrics (0: off)",
     [](GatewayConfig& c, const std::string& v) { return setInteger(c.http.port, v, 0, 65535); },
     [](const GatewayConfig& c) { return std::to_string(c.http.port); }},
    {"http.bind_address", "GATEWAY_HTTP_BIND", "--http-bind",
     "IPv4 address the HTTP server listens on (reads need no token on loopback)",
     [](GatewayConfig& c, const std::string& v) { return setIpv4(c.http.bind_address, v); },
     [](const GatewayConfig& c) { return c.http.bind_address; }},
    {"http.api_token_file", "GATEWAY_API_TOKEN_FILE", "--api-token-file",
     "file holding the bearer token of the write API (default: write API off)",
     [](GatewayConfig& c, const std::string& v) { return setPath(c.http.api_token_file, v); },
     [](const GatewayConfig& c) {
       return c.http.api_token_file.empty() ? std::string("(none: write API off)")
                                            : c.http.api_token_file.string();
     }},
    {"http.open_reads", "GATEWAY_HTTP_OPEN_READS", "--http-open-reads",
     "true: pages and GET API need no token on a non-loopback address either",
     [](GatewayConfig& c, const std::string& v) { return setBool(c.http.open_reads, v); },
     [](const GatewayConfig& c) { return std::string(c.http.open_reads ? "true" : "false"); }},
};

}  // namespace

const std::vector<SettingSpec>& settingTable() { return kSettings; }

const SettingSpec* findSettingByKey(const std::string& key) {
  for (const auto& s : kSettings) {
    if (key == s.key) return &s;
  }
  return nullptr;
}

const SettingSpec* findSettingByFlag(const std::string& flag) {
  for (const auto& s : kSettings) {
    if (flag == s.flag) return &s;
  }
  return nullptr;
}

}  // namespace gateway::config
