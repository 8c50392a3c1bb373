#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "services/pacs/forward_queue.h"

namespace gateway::pacs {

// What became of one attempt to forward one instance.
enum class ForwardDisposition {
  kSent,   // the destination has it (also: it already had it)
  kRetry,  // transient: try again after a backoff, indefinitely
  kFailed  // permanent refusal: dead letter, with the reason
};

struct SendOutcome {
  ForwardDisposition disposition = ForwardDisposition::kRetry;
  std::string detail;            // the reason (retry, failed) or a note (converted to ...)
  bool connection_lost = false;  // the rest of the batch must wait for a new connection
};

// DIMSE C-STORE response status to disposition: success and warnings (0xB...) and 0x0111
// (already held) are sent; 0xA7xx (out of resources) and other processing failures are
// transient; 0xA9xx, 0xCxxx, 0x0122 (class not supported), 0x0124 (not authorised) and
// 0x0117 (invalid instance) are permanent.
ForwardDisposition dispositionOfDimseStatus(std::uint16_t status);
// HTTP status of a STOW-RS response: 2xx sent; 408, 429 and 5xx transient; the rest permanent.
ForwardDisposition dispositionOfHttpStatus(int status);

// The wait before attempt `attempts + 1` after `attempts` failed ones: 1 s doubling per
// attempt, capped at `max_seconds`, then spread by `jitter` (0..1) over 80-120% (still
// capped), so a destination coming back is not hit by every worker at once.
double backoffSeconds(int attempts, double max_seconds, double jitter);

// One worker's connection to one destination. Not thread-safe: each worker owns its own.
class ForwardSender {
 public:
  virtual ~ForwardSender() = default;
  // Before a batch: a sender that negotiates per batch (DICOM) may (re)connect here. An
  // outcome other than kSent applies to the whole batch (the destination is unreachable).
  virtual SendOutcome prepare(const std::vector<ForwardItem>& batch) = 0;
  virtual SendOutcome send(const ForwardItem& item, const std::filesystem::path& file) = 0;
  // Nothing more to send for now: close what is open.
  virtual void idle() = 0;
};

}  // namespace gateway::pacs
