#include "common/dicom/access_policy.h"

#include <algorithm>

#include "common/config/value_parsers.h"

namespace gateway::dicom {

bool certificateMatches(const config::KnownAe& entry, const PeerCertificate& certificate) {
  if (std::find(entry.tls_fingerprints.begin(), entry.tls_fingerprints.end(), certificate.sha256) !=
      entry.tls_fingerprints.end()) {
    return true;
  }
  return !entry.tls_subject.empty() && entry.tls_subject == certificate.subject;
}

AccessDecision decideAccess(const AccessRules& rules, const RemoteAeTable& table,
                            const AccessRequest& request) {
  AccessDecision decision;
  auto refuse = [&decision](AccessRefusal why) {
    decision.refusal = why;
    decision.allowed = config::ServiceSet();
    return decision;
  };
  const std::string called = config::trim(request.called_aet);
  if (called != rules.aet &&
      std::find(rules.aliases.begin(), rules.aliases.end(), called) == rules.aliases.end()) {
    return refuse(AccessRefusal::kCalledAeUnknown);
  }

  switch (rules.policy) {
    case config::AccessPolicy::kOpen:
      decision.allowed = rules.offered;
      break;
    case config::AccessPolicy::kKnownAes: {
      const config::KnownAe* entry = table.find(request.calling_aet);
      if (entry == nullptr) return refuse(AccessRefusal::kCallingAeUnknown);
      decision.entry = entry;
      if (!entry->allowsAddress(request.peer_address)) {
        return refuse(AccessRefusal::kAddressNotAllowed);
      }
      if (entry->requiresCertificate()) {
        if (request.certificate == nullptr) return refuse(AccessRefusal::kCertificateMissing);
        if (!certificateMatches(*entry, *request.certificate)) {
          return refuse(AccessRefusal::kCertificateMismatch);
        }
      }
      decision.allowed = entry->services & rules.offered;
      break;
    }
    case config::AccessPolicy::kKnownAddresses: {
      const auto entries = table.listingAddress(request.peer_address);
      if (entries.empty()) return refuse(AccessRefusal::kAddressUnknown);
      config::ServiceSet services;
      for (const config::KnownAe* entry : entries) services = services | entry->services;
      decision.allowed = services & rules.offered;
      break;
    }
  }
  if (decision.allowed.empty()) return refuse(AccessRefusal::kNoServiceAllowed);
  return decision;
}

const char* toString(AccessRefusal refusal) {
  switch (refusal) {
    case AccessRefusal::kNone:
      return "accepted";
    case AccessRefusal::kCalledAeUnknown:
      return "called AE title not recognized";
    case AccessRefusal::kCallingAeUnknown:
      return "calling AE title not in known_aes";
    case AccessRefusal::kAddressNotAllowed:
      return "address not allowed for this AE title";
    case AccessRefusal::kAddressUnknown:
      return "address not in known_aes";
    case AccessRefusal::kCertificateMissing:
      return "no client certificate, and this AE title needs one";
    case AccessRefusal::kCertificateMismatch:
      return "client certificate not the one known for this AE title";
    case AccessRefusal::kNoServiceAllowed:
      return "AE title allowed none of this port's services";
  }
  return "refused";
}

}  // namespace gateway::dicom
