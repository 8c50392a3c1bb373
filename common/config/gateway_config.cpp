#include "common/config/gateway_config.h"

namespace gateway::config {

std::string toString(DuplicatePolicy policy) {
  return policy == DuplicatePolicy::kReplace ? "replace" : "keep";
}

std::string toString(AccessPolicy policy) {
  switch (policy) {
    case AccessPolicy::kKnownAes:
      return "known-aes";
    case AccessPolicy::kKnownAddresses:
      return "known-addresses";
    case AccessPolicy::kOpen:
      break;
  }
  return "open";
}

}  // namespace gateway::config
