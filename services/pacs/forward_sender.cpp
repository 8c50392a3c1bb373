#include "services/pacs/forward_sender.h"

#include <algorithm>
#include <cmath>

namespace gateway::pacs {

ForwardDisposition dispositionOfDimseStatus(std::uint16_t status) {
  if (status == 0x0000 || (status & 0xF000) == 0xB000 || status == 0x0111) {
    return ForwardDisposition::kSent;
  }
  if ((status & 0xFF00) == 0xA900 || (status & 0xF000) == 0xC000 || status == 0x0122 ||
      status == 0x0124 || status == 0x0117) {
    return ForwardDisposition::kFailed;
  }
  return ForwardDisposition::kRetry;
}

ForwardDisposition dispositionOfHttpStatus(int status) {
  if (status >= 200 && status < 300) return ForwardDisposition::kSent;
  if (status == 408 || status == 429 || (status >= 500 && status < 600)) {
    return ForwardDisposition::kRetry;
  }
  return ForwardDisposition::kFailed;
}

double backoffSeconds(int attempts, double max_seconds, double jitter) {
  const int exponent = std::clamp(attempts - 1, 0, 30);
  const double base = std::min(max_seconds, std::ldexp(1.0, exponent));
  const double spread = 0.8 + 0.4 * std::clamp(jitter, 0.0, 1.0);
  return std::min(max_seconds, base * spread);
}

}  // namespace gateway::pacs
