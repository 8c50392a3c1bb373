#pragma once

#include <array>
#include <cstdint>
#include <ctime>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/dicom/service_observer.h"

namespace gateway::window {

// An association as the operator sees it: when it ended, who called, how it ended.
struct AssociationEvent {
  std::time_t at = 0;
  std::string service;
  std::string calling_aet;
  std::string peer_address;
  std::string outcome;  // "released", "aborted by peer", "rejected: called AE title ..."
};

// A failure worth an operator's eye: a refused association, one that did not end with a
// release, or a request answered with a failure status.
struct FailureEvent {
  std::time_t at = 0;
  std::string service;
  std::string phase;  // "association", "C-STORE", "C-FIND", "N-CREATE", ...
  std::string calling_aet;
  std::string peer_address;
  std::string reason;  // "status 0xA900: no Study Instance UID", "aborted (idle timeout)"
};

// The counts of one local day (they start again at local midnight).
struct DayCounts {
  std::string date;  // YYYYMMDD, local
  std::uint64_t associations = 0;
  std::uint64_t stored = 0;  // C-STORE answered with success or a warning
  std::uint64_t stored_bytes = 0;
  std::uint64_t refused = 0;  // C-STORE answered with a failure
  std::uint64_t queries = 0;  // C-FIND
  std::uint64_t mpps = 0;     // N-CREATE and N-SET
  std::uint64_t echoes = 0;
  std::uint64_t failures = 0;
};

struct ServiceState {
  std::string name;  // "pacs", "mwl"
  std::string aet;
  std::uint16_t port = 0;
  std::time_t up_since = 0;
  std::optional<AssociationEvent> last_association;
  DayCounts today;
};

struct MetricsSnapshot {
  std::time_t started = 0;
  std::vector<ServiceState> services;
  std::vector<FailureEvent> failures;   // newest first, at most kFailuresKept
  std::vector<AssociationEvent> peers;  // the last association of each calling AE, newest first
};

// The operator's window's view of DICOM traffic, fed by the edge as it happens
// (dicom::ServiceObserver): Prometheus counters and latency histograms since start, today's
// counts per service, the last association of each service and of each calling AE, and the
// last failures with their phase and reason. Nothing here reads a database.
// Thread-safe: every method takes one mutex for a few map updates.
class ServiceMetrics : public dicom::ServiceObserver {
 public:
  static constexpr std::size_t kFailuresKept = 20;
  static constexpr std::size_t kPeersKept = 256;  // calling AEs remembered (oldest dropped)
  // Upper bounds (seconds) of the request duration histogram's buckets.
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                      0.25,  0.5,   1.0,  2.5,   5.0,  10.0};

  using Clock = std::function<std::time_t()>;
  explicit ServiceMetrics(Clock now = {});

  // Declares a service (before its server starts), so it is listed even before traffic.
  void addService(const std::string& name, const std::string& aet, std::uint16_t port);

  void associationRefused(const std::string& service, const dicom::AssociationContext& context,
                          const std::string& reason) override;
  void associationClosed(const std::string& service, const dicom::AssociationContext& context,
                         const std::string& outcome, std::chrono::milliseconds duration) override;
  void requestAnswered(const std::string& service, const dicom::AssociationContext& context,
                       const dicom::AnsweredRequest& request) override;

  MetricsSnapshot snapshot() const;
  // The counters and histograms in the Prometheus text exposition format (version 0.0.4).
  std::string prometheusText() const;

  // The outcome label of an association ("released", "aborted" or "rejected").
  static std::string outcomeLabel(const std::string& outcome);
  // "C-STORE" for DIMSE_C_STORE_RQ.
  static std::string commandLabel(std::uint16_t command_field);

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  ServiceState& state(const std::string& service);  // mutex held
  DayCounts& today(ServiceState& state);            // mutex held; rolls over at midnight
  void remember(const AssociationEvent& event);     // mutex held
  void fail(FailureEvent event);                    // mutex held

  Clock now_;
  std::time_t started_;
  mutable std::mutex mutex_;
  std::vector<ServiceState> services_;
  std::deque<FailureEvent> failures_;
  std::map<std::string, AssociationEvent> peers_;  // by calling AE
  std::map<std::pair<std::string, std::string>, std::uint64_t> associations_;
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> responses_;
  std::map<std::string, std::uint64_t> stored_objects_;
  std::map<std::string, std::uint64_t> stored_bytes_;
  std::map<std::string, std::uint64_t> received_bytes_;
  std::map<std::pair<std::string, std::string>, Histogram> durations_;
};

// A Prometheus label value: backslash, double quote and newline escaped.
std::string labelValue(const std::string& value);

}  // namespace gateway::window
