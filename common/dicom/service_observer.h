#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/dicom/providers.h"

namespace gateway::dicom {

// One DIMSE request as answered by the edge: what was asked, the status sent back, how long
// it took from the command's arrival to the final response, and the dataset bytes received
// (C-STORE) or the answers sent (C-FIND).
struct AnsweredRequest {
  std::uint16_t command_field = 0;  // the request's T_DIMSE_Command (DIMSE_C_STORE_RQ, ...)
  std::uint16_t status = 0;         // of the final response
  std::chrono::milliseconds duration{0};
  std::uint64_t bytes = 0;    // C-STORE: dataset bytes as received
  std::uint64_t answers = 0;  // C-FIND: pending responses sent
  std::string comment;        // the Error Comment of a failure, as sent
};

// Lets the operator's window count traffic as it happens (real counters, not a scan of the
// database per scrape) and remember the last association and failures of each service,
// without the edge knowing who listens. Given to a DicomServer through ServerOptions.
//
// Threads: called on the server's worker threads (and, for refusals at admission, its
// accept thread), concurrently; implementations must be thread-safe, quick and must not
// throw (an exception is swallowed by the edge). `service` is ServerOptions::name.
class ServiceObserver {
 public:
  virtual ~ServiceObserver() = default;
  // An association that was never served: rejected (`reason` as logged: "called AE title not
  // recognized", "busy", ...) or whose request could not be read. `context` holds what was
  // known (the AE titles may be empty).
  virtual void associationRefused(const std::string& service, const AssociationContext& context,
                                  const std::string& reason) = 0;
  // An acknowledged association ended: `outcome` as logged ("released", "aborted by peer",
  // "aborted (idle timeout)", ...).
  virtual void associationClosed(const std::string& service, const AssociationContext& context,
                                 const std::string& outcome,
                                 std::chrono::milliseconds duration) = 0;
  // A request was answered with its final response.
  virtual void requestAnswered(const std::string& service, const AssociationContext& context,
                               const AnsweredRequest& request) = 0;
};

}  // namespace gateway::dicom
