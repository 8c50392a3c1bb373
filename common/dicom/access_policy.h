#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/config/gateway_config.h"
#include "common/dicom/remote_ae_table.h"

namespace gateway::dicom {

// The client certificate of a TLS association, as the admission thread saw it.
struct PeerCertificate {
  std::string subject;  // RFC 2253 ("CN=mammo1,O=Unit")
  std::string sha256;   // SHA-256 of the DER certificate, 64 upper-case hex digits
};

// Who may associate with one listening port of a service.
struct AccessRules {
  config::AccessPolicy policy = config::AccessPolicy::kOpen;
  std::string aet;                   // the service's own AE title
  std::vector<std::string> aliases;  // called AE titles accepted besides it
  config::ServiceSet offered;        // the services this port negotiates
};

// What the association request says about its caller, and the TLS certificate it showed.
struct AccessRequest {
  std::string_view calling_aet;
  std::string_view called_aet;
  std::string_view peer_address;                 // the TCP source address
  const PeerCertificate* certificate = nullptr;  // null: plain TCP, or TLS without one
};

// Why an association is refused. Only kCalledAeUnknown is told to the peer as such; every
// other refusal goes on the wire as "calling AE title not recognized", so a caller cannot
// learn which check failed (its address, its title, its certificate or its services).
enum class AccessRefusal {
  kNone,
  kCalledAeUnknown,      // neither the service's AE title nor one of its aliases
  kCallingAeUnknown,     // known-aes: not in the table
  kAddressNotAllowed,    // known-aes: in the table, from an address its entry does not list
  kAddressUnknown,       // known-addresses: no entry lists the source address
  kCertificateMissing,   // known-aes: its entry names a certificate; none was shown
  kCertificateMismatch,  // known-aes: the certificate shown is not the one its entry names
  kNoServiceAllowed,     // allowed, but none of the services this port offers
};

struct AccessDecision {
  AccessRefusal refusal = AccessRefusal::kNone;
  config::ServiceSet allowed;  // when accepted: the services whose contexts may be accepted
  const config::KnownAe* entry = nullptr;  // known-aes: the caller's entry
  bool accepted() const { return refusal == AccessRefusal::kNone; }
};

// The access decision for one association request (ADR 0015). Pure.
AccessDecision decideAccess(const AccessRules& rules, const RemoteAeTable& table,
                            const AccessRequest& request);

// The check that failed, for log lines ("calling AE title not in known_aes").
const char* toString(AccessRefusal refusal);

// True when `certificate` is the one `entry` names (a fingerprint of it, or its subject).
bool certificateMatches(const config::KnownAe& entry, const PeerCertificate& certificate);

}  // namespace gateway::dicom
