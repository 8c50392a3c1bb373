#include "common/config/gateway_config.h"

namespace gateway::config {

std::string toString(DuplicatePolicy policy) {
  return policy == DuplicatePolicy::kReplace ? "replace" : "keep";
}

}  // namespace gateway::config
