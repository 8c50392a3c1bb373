#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/ipv4_range.h"

namespace YAML {
class Node;
}

namespace gateway::config {

// What a remote AE may ask of the gateway (ADR 0015). Each DICOM service tags the SOP
// classes it negotiates with one of these, so a known AE gets only the presentation
// contexts of the services it is allowed.
enum class AeService : std::uint8_t { kWorklist, kMpps, kStore, kCommitment, kQuery, kRetrieve };

inline constexpr AeService kAllAeServices[] = {AeService::kWorklist, AeService::kMpps,
                                               AeService::kStore,    AeService::kCommitment,
                                               AeService::kQuery,    AeService::kRetrieve};

const char* toString(AeService service);  // "worklist", "mpps", ...
std::optional<AeService> parseAeService(std::string_view name);

// A set of AeService values.
class ServiceSet {
 public:
  constexpr ServiceSet() = default;
  ServiceSet(std::initializer_list<AeService> services);
  static ServiceSet all();

  bool has(AeService service) const { return (bits_ & bit(service)) != 0; }
  void add(AeService service) { bits_ = static_cast<std::uint8_t>(bits_ | bit(service)); }
  bool empty() const { return bits_ == 0; }
  ServiceSet operator&(ServiceSet other) const { return ServiceSet(bits_ & other.bits_); }
  ServiceSet operator|(ServiceSet other) const { return ServiceSet(bits_ | other.bits_); }
  friend bool operator==(ServiceSet, ServiceSet) = default;
  std::string toString() const;  // "worklist,mpps"; "none"; "all"

 private:
  explicit ServiceSet(unsigned bits) : bits_(static_cast<std::uint8_t>(bits)) {}
  static unsigned bit(AeService service) { return 1u << static_cast<unsigned>(service); }
  std::uint8_t bits_ = 0;
};

// One entry of the table of known remote AEs (YAML `known_aes`): who may call the gateway,
// from where, for what, and where the gateway calls it back.
struct KnownAe {
  std::string ae_title;
  std::vector<Ipv4Range> addresses;         // where it may call from; empty: any address
  ServiceSet services = ServiceSet::all();  // what it may use
  std::string host;                         // where the gateway calls it; empty: nowhere
  std::uint16_t port = 0;                   // with host
  bool tls = false;                         // calls to it use TLS
  // Its TLS client certificate: SHA-256 fingerprints (64 upper-case hex digits) and/or a
  // subject (RFC 2253, as `openssl x509 -noout -subject -nameopt RFC2253` prints it). When
  // either is given, this AE is accepted only over TLS with a matching certificate.
  std::vector<std::string> tls_fingerprints;
  std::string tls_subject;

  bool requiresCertificate() const { return !tls_fingerprints.empty() || !tls_subject.empty(); }
  bool allowsAddress(std::string_view address) const;  // empty `addresses` allow any
};

// The known_aes list from YAML (a sequence of mappings). Every problem is appended, each
// starting with `where` and naming the entry and field: "known_aes[2].addresses[0]: ...".
std::vector<KnownAe> parseKnownAes(const YAML::Node& list, const std::string& where,
                                   std::vector<std::string>& problems);

// The known_aes list from a YAML file holding just that list (GATEWAY_KNOWN_AES_FILE).
std::vector<KnownAe> loadKnownAesFile(const std::filesystem::path& file,
                                      std::vector<std::string>& problems);

// The short form for the environment and the command line: comma-separated entries
// "AE_TITLE" or "AE_TITLE@ADDRESS[/PREFIX]", every service allowed; an AE named twice gets
// both addresses. Returns an error text (naming the entry) or nullopt.
std::optional<std::string> parseKnownAesText(std::string_view text, std::vector<KnownAe>& out);

// "SHA-256 fingerprint" in any usual spelling (colons or not, any case, an optional
// "sha256:" prefix) as 64 upper-case hex digits; nullopt when it is not one.
std::optional<std::string> normaliseFingerprint(std::string_view text);

// For the start-up log: "none", or "2: MAMMO1 from 10.0.0.5 (all); WS from any (query)".
std::string describeKnownAes(const std::vector<KnownAe>& entries);

}  // namespace gateway::config
