#pragma once

#include <dcmtk/dcmnet/assoc.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "common/dicom/dimse_command.h"
#include "common/dicom/incoming_dataset.h"
#include "common/dicom/providers.h"

namespace spdlog {
class logger;
}

namespace gateway::dicom {

// What a peer may make us hold, per kind of dataset.
struct DatasetLimits {
  ReceiveLimits store{8ULL << 30, 64, "PACS_MAX_OBJECT_SIZE"};
  ReceiveLimits find{256 * 1024, 64, "MWL_MAX_QUERY_SIZE"};
  ReceiveLimits normalized{512 * 1024, 64, "MPPS_MAX_DATASET_SIZE"};
};

class ServiceObserver;

struct SessionOptions {
  DatasetLimits limits;
  std::chrono::seconds dimse_timeout{30};
  std::chrono::seconds idle_timeout{120};
  // Told of every answered request (service_observer.h); null: nobody listens.
  ServiceObserver* observer = nullptr;
  std::string service;  // the server's name, for the observer
};

// Runs the DIMSE side of one acknowledged association on its worker thread: reads each
// command (command_reader), answers C-ECHO itself, hands C-STORE, C-FIND and DIMSE-N
// requests to the handler's providers, receives their datasets through the checks of
// incoming_dataset, and sends every response. This is the one place that turns a provider's
// exception into a failure status, cuts Error Comments, and logs each request.
class DimseSession {
 public:
  DimseSession(T_ASC_Association* assoc, int socket, const AssociationContext& context,
               AssociationHandler& handler, const SessionOptions& options, spdlog::logger& logger,
               const std::atomic<bool>& stopping);

  // Serves commands until the peer releases or aborts, the association fails, it stays idle
  // too long, or the server stops; returns how it ended ("released", "aborted by peer", ...).
  std::string run();

 private:
  OFCondition dispatch(const DimseCommand& command);
  OFCondition echo(const DimseCommand& command);
  OFCondition store(const DimseCommand& command);
  OFCondition find(const DimseCommand& command);
  OFCondition normalized(const DimseCommand& command);
  OFCondition retrieve(const DimseCommand& command);
  OFCondition unsupported(const DimseCommand& command);
  // Sends every request the handler has queued; returns a bad condition (release or abort
  // included) when the association cannot go on.
  OFCondition sendOutbound();
  OFCondition sendOutbound(OutboundRequest& request);

  OFCondition drain(const DimseCommand& command);
  OFCondition sendStoreResponse(const DimseCommand& command, const DimseReply& reply,
                                std::chrono::steady_clock::time_point started, std::uint64_t bytes);
  // Receives a dataset into memory under `limits`; on a refusal fills `refusal`.
  OFCondition receiveInMemory(const DimseCommand& command, const ReceiveLimits& limits,
                              std::uint16_t malformed_status, std::uint16_t too_large_status,
                              std::unique_ptr<DcmDataset>& dataset, DimseReply& refusal,
                              bool& refused);
  // The identifier of a C-FIND, C-MOVE or C-GET (0xA900 when there is none).
  OFCondition receiveIdentifier(const DimseCommand& command, std::uint16_t too_large_status,
                                std::unique_ptr<DcmDataset>& identifier, DimseReply& refusal,
                                bool& refused);
  std::string transferSyntaxOf(T_ASC_PresentationContextID id) const;
  std::string abstractSyntaxOf(T_ASC_PresentationContextID id) const;
  // True when the context was accepted with the caller as its SCP only (C-GET delivery).
  bool peerIsScpOnly(T_ASC_PresentationContextID id) const;
  void abortNow();
  // Tells the observer, if any, that `command` was answered with `status`.
  void report(const DimseCommand& command, std::uint16_t status,
              std::chrono::steady_clock::time_point started, std::uint64_t bytes,
              std::uint64_t answers, const std::string& comment) const;

  T_ASC_Association* assoc_;
  int socket_;
  const AssociationContext& context_;
  AssociationHandler& handler_;
  const SessionOptions& options_;
  spdlog::logger& logger_;
  const std::atomic<bool>& stopping_;
  int timeout_seconds_;
  std::uint16_t next_message_id_ = 1;  // of our own requests on this association
};

}  // namespace gateway::dicom
