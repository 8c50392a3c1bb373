#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/config/forward_destination.h"
#include "common/config/known_ae.h"

namespace gateway::config {

// What the PACS does when a SOP Instance UID it already holds arrives again.
enum class DuplicatePolicy { kKeepFirst, kReplace };

// Who may associate with a service (ADR 0015): anyone (the default, so an upgrade changes
// nothing), AEs of the known_aes table calling from their addresses, or any AE calling from
// an address the table lists.
enum class AccessPolicy { kOpen, kKnownAes, kKnownAddresses };

// DICOM TLS (BCP 195), shared by every TLS port and by the gateway's own SCUs.
struct TlsSettings {
  std::filesystem::path cert;  // PEM certificate (chain) of the gateway; empty: none
  std::filesystem::path key;   // PEM private key of that certificate
  // PEM CA bundle: client certificates are requested and verified against it, and the
  // gateway's SCUs verify the servers they call with it. Empty: no client certificates.
  std::filesystem::path ca;
  bool verify_peer = false;  // true: a client certificate from `ca` is required
};

// Network behaviour shared by both DICOM services.
struct NetworkSettings {
  std::string bind_address = "0.0.0.0";
  int max_associations = 16;                  // per service; excess gets a transient reject
  std::chrono::seconds acse_timeout{10};      // deadline for the whole association request
  std::chrono::seconds dimse_timeout{30};     // silence allowed inside one DIMSE message
  std::chrono::seconds idle_timeout{120};     // silence allowed between two DIMSE messages
  std::uint32_t max_pdu_size = 131072;        // largest P-DATA PDU we accept
  std::chrono::seconds shutdown_timeout{20};  // grace for in-flight transfers on SIGTERM
  // Admission (ADR 0014): connections still sending their association request, in all and
  // from one source address, and associations one address may hold at once.
  int max_pending = 64;
  int max_pending_per_address = 8;
  int max_associations_per_address = 8;
  // Deepest sequence nesting accepted in any received dataset (pre-scanned before parsing).
  int max_nesting = 64;
};

struct PacsSettings {
  std::string aet = "SCREENING_PACS";
  std::uint16_t port = 4244;
  std::filesystem::path storage_path = "/var/lib/pacs/storage";
  std::filesystem::path db_path = "/var/lib/pacs/pacs.db";
  DuplicatePolicy duplicate_policy = DuplicatePolicy::kKeepFirst;
  std::uint64_t max_object_size = 8ULL << 30;  // bytes of dataset per C-STORE, as sent and decoded
  std::vector<std::string> allowed_sop_classes;  // empty: every storage class DCMTK knows
  std::uint16_t tls_port = 0;  // DICOM TLS port beside `port`; 0: none. `port` 0: no plain port
  AccessPolicy access = AccessPolicy::kOpen;
  std::vector<std::string> aet_aliases;  // called AE titles accepted besides `aet`
  // Storage Commitment: the earliest a report is sent after its N-ACTION (0: at once).
  std::chrono::seconds commitment_report_delay{0};
  // Retention (ADR 0019): only instances every forwarding destination has are ever removed.
  int retention_days = 0;    // older than this and forwarded: purged; 0: off
  int min_free_percent = 0;  // below this much free disk, purge the oldest forwarded; 0: off
  std::chrono::seconds retention_interval{300};  // how often serve applies the policy
};

// Store-and-forward (ADR 0019): the destinations, and the single-destination shortcuts of
// the environment, merged into `destinations` by the loader (named "dicom" and "stow").
struct ForwardSettings {
  std::vector<ForwardDestination> destinations;
  std::string dicom;     // FORWARD_DICOM=AE@host:port
  std::string stow_url;  // FORWARD_STOW_URL
  std::filesystem::path stow_token_file;
  std::string stow_token;  // FORWARD_STOW_TOKEN (prefer the file); never shown
  std::filesystem::path stow_ca_file;
  std::chrono::seconds retry_max_delay{600};  // the backoff's cap
};

// The worklist service (Modality Worklist C-FIND, later MPPS).
struct MwlSettings {
  std::string aet = "MWL_SCP";
  std::uint16_t port = 4243;
  std::filesystem::path db_path = "/var/lib/pacs/worklist.db";
  // Many modalities send no Scheduled Station AE Title; when true, the calling AE title
  // stands in for it, so a modality sees only its own station's items.
  bool calling_aet_as_station = false;
  // Character set for replies that are not pure ASCII and cannot use the query's own:
  // "ISO_IR 192" (UTF-8) or "ISO_IR 100" (Latin-1, for modalities without UTF-8).
  std::string reply_charset = "ISO_IR 192";
  // Daily reset inside `serve`: "HH:MM" local time, or empty for none (cron, or the
  // `worklist reset` command, does it instead).
  std::string reset_at;
  std::filesystem::path backup_dir;  // empty: a "backups" folder beside the database
  int backup_keep = 7;               // backups kept by each reset
  // What a peer may make us hold in memory: one C-FIND identifier, one MPPS dataset.
  std::uint64_t max_query_size = 256 * 1024;
  std::uint64_t max_mpps_dataset_size = 512 * 1024;
  std::uint16_t tls_port = 0;  // DICOM TLS port beside `port`; 0: none. `port` 0: no plain port
  AccessPolicy access = AccessPolicy::kOpen;
  std::vector<std::string> aet_aliases;  // called AE titles accepted besides `aet`

  std::filesystem::path effectiveBackupDir() const {
    return backup_dir.empty() ? db_path.parent_path() / "backups" : backup_dir;
  }
};

// The operator's window (ADR 0018): the HTTP server inside `serve` (status page, JSON API,
// metrics).
struct HttpSettings {
  std::uint16_t port = 8080;  // 0: no HTTP server
  std::string bind_address = "127.0.0.1";
  // A file holding the bearer token of the write API (POST); empty: the write API is off.
  std::filesystem::path api_token_file;
  // Read-only pages and GET API without a token although not bound to loopback (a container
  // publishing the port to the host's loopback, a tablet on the unit's own network). On a
  // loopback address reads never need a token.
  bool open_reads = false;
};

// The whole configuration, loaded once at start and passed down by const reference.
struct GatewayConfig {
  std::string log_level = "info";
  // The site's time zone (an IANA name, e.g. Europe/London); empty: the host's (TZ). Today's
  // worklist, the page's times and the day's counts are in this zone.
  std::string timezone;
  NetworkSettings network;
  PacsSettings pacs;
  MwlSettings mwl;
  TlsSettings tls;
  // The table of known remote AEs (ADR 0015), from the YAML key, the environment, or the
  // file known_aes_file names.
  std::vector<KnownAe> known_aes;
  std::filesystem::path known_aes_file;
  HttpSettings http;
  ForwardSettings forward;
};

std::string toString(DuplicatePolicy policy);
std::string toString(AccessPolicy policy);  // "open", "known-aes", "known-addresses"

}  // namespace gateway::config
