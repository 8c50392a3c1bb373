#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/dicom/dimse_reply.h"
#include "common/dicom/incoming_dataset.h"
#include "common/dicom/outbound_association.h"

namespace spdlog {
class logger;
}

// The seam between the DICOM edge (common/dicom: sockets, PDUs, DIMSE messages, limits,
// statuses on the wire, log lines) and what a service does. A service implements the
// providers it needs; it returns statuses, datasets and attribute lists, and never touches
// DCMTK networking. Every provider method runs on the worker thread of one association and
// may throw: the edge logs the exception and answers with the command's failure status.
namespace gateway::dicom {

// What a provider knows about the association it serves.
struct AssociationContext {
  std::uint64_t id = 0;
  std::string peer_address;
  std::string calling_aet;
  std::string called_aet;
};

// ---- C-STORE: streamed, never held in memory -------------------------------------------

struct StoreRequest {
  std::uint16_t message_id = 0;
  std::string sop_class_uid;        // checked by the edge: a UID of the negotiated context
  std::string sop_instance_uid;     // checked by the edge: a valid UID of at most 64 characters
  std::string transfer_syntax_uid;  // of the presentation context the dataset comes on
  std::string move_originator_aet;  // when sent as a C-MOVE sub-operation
  std::uint16_t move_originator_message_id = 0;
};

// One C-STORE's dataset on its way in. The edge streams the dataset bytes, exactly as sent,
// into write() (DatasetSink) while it checks them; then calls complete() if the dataset arrived
// whole and well-formed, or sinkFailure() if write() returned false. Destroyed without
// complete(), it discards whatever it received.
class StoreReception : public DatasetSink {
 public:
  virtual DimseReply complete(const ReceivedDataset& received) = 0;
  virtual DimseReply sinkFailure() = 0;
};

class StoreProvider {
 public:
  virtual ~StoreProvider() = default;
  struct Start {
    std::unique_ptr<StoreReception> reception;  // null: refused (the dataset is drained)
    DimseReply refusal;
  };
  // Called when the command has arrived, before its dataset.
  virtual Start beginStore(const StoreRequest& request) = 0;
};

// ---- C-FIND: start, then one answer at a time ------------------------------------------

struct FindRequest {
  std::uint16_t message_id = 0;
  std::string sop_class_uid;  // the information model
  std::uint16_t priority = 0;
};

// The answers of one C-FIND, drawn one at a time so C-CANCEL is seen between them (the
// shape of DCMTK's WlmDataSource: start, next, next, ...).
class FindQuery {
 public:
  virtual ~FindQuery() = default;
  // The next response identifier, or null when there is no more.
  virtual std::unique_ptr<DcmDataset> next() = 0;
  // The final status once every answer has been sent (success unless overridden).
  virtual DimseReply finish() { return {}; }
  // "key=value ..." for the log line (masked where it names a patient).
  virtual std::string summary() const { return {}; }
};

class FindProvider {
 public:
  virtual ~FindProvider() = default;
  struct Start {
    std::unique_ptr<FindQuery> query;  // null: refused with `refusal`
    DimseReply refusal;
  };
  // `identifier` has passed the structural pre-scan and the size cap.
  virtual Start startFind(const FindRequest& request, DcmDataset& identifier) = 0;
};

// ---- C-MOVE and C-GET: what to send; the edge runs the sub-operations ------------------

struct RetrieveRequest {
  std::uint16_t command_field = 0;  // DIMSE_C_MOVE_RQ or DIMSE_C_GET_RQ
  std::uint16_t message_id = 0;
  std::string sop_class_uid;     // the information model
  std::string move_destination;  // C-MOVE
  std::uint16_t priority = 0;
};

struct RetrieveItem {
  std::filesystem::path file;  // a stored Part 10 file, streamed as it is
  std::string sop_class_uid;
  std::string sop_instance_uid;
};

class RetrieveProvider {
 public:
  virtual ~RetrieveProvider() = default;
  struct Start {
    bool refused = false;
    DimseReply refusal;                         // e.g. 0xA801 for an unknown move destination
    std::vector<RetrieveItem> items;            // in the order to send them
    std::optional<OutboundTarget> destination;  // C-MOVE: where to call (known-AE table)
  };
  // `identifier` has passed the pre-scan and the size cap.
  virtual Start startRetrieve(const RetrieveRequest& request, DcmDataset& identifier) = 0;
};

// ---- DIMSE-N: N-CREATE, N-SET, N-ACTION, N-EVENT-REPORT, N-GET, N-DELETE ----------------

struct NRequest {
  std::uint16_t command_field = 0;  // DIMSE_N_CREATE_RQ, DIMSE_N_SET_RQ, DIMSE_N_ACTION_RQ, ...
  std::uint16_t message_id = 0;
  std::string sop_class_uid;     // Affected (N-CREATE, N-EVENT-REPORT) or Requested SOP Class
  std::string sop_instance_uid;  // as sent (N-CREATE may leave it empty: the SCP assigns it)
  bool sop_instance_given = false;
  std::optional<std::uint16_t> type_id;  // Action Type ID / Event Type ID
  DcmDataset* dataset = nullptr;         // attributes, modifications or information; never null
};

struct NReply {
  DimseReply reply;
  std::string sop_instance_uid;         // the Affected SOP Instance UID of the response
  std::unique_ptr<DcmDataset> dataset;  // attribute list / reply information, if any
};

class NServiceProvider {
 public:
  virtual ~NServiceProvider() = default;
  virtual NReply handle(const NRequest& request) = 0;
  // Where the edge logs these requests (e.g. the `mpps` logger); null: the service's.
  virtual spdlog::logger* logger() { return nullptr; }
};

// ---- Requests the gateway sends on an association it accepted ---------------------------

// An N-EVENT-REPORT the SCP sends to the SCU on the SCU's own association (the report of a
// storage commitment while the requester still holds the association, PS3.4 J.3.3).
struct OutboundRequest {
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::uint16_t event_type_id = 0;
  std::unique_ptr<DcmDataset> information;
  // Called on the association's worker thread with the peer's response status, or with
  // nullopt when the request could not be sent or answered (the association ended).
  std::function<void(std::optional<std::uint16_t> status)> done;
};

// Handles the DIMSE commands of one association through the providers it offers (null: the
// command is not supported on this AE). Created for, and used only by, the worker thread that
// runs that association. C-ECHO never reaches it: the edge answers it.
class AssociationHandler {
 public:
  virtual ~AssociationHandler() = default;
  virtual StoreProvider* store() { return nullptr; }
  virtual FindProvider* find() { return nullptr; }
  virtual NServiceProvider* normalized() { return nullptr; }
  virtual RetrieveProvider* retrieve() { return nullptr; }
  // A request to send to the peer when the association is idle (polled by the session
  // between commands, about once a second); nullopt when there is none.
  virtual std::optional<OutboundRequest> takeOutbound() { return std::nullopt; }
  // "key=value ..." counters for the association's closing log line.
  virtual std::string summary() const { return {}; }
};

}  // namespace gateway::dicom
