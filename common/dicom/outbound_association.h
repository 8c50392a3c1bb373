#pragma once

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmnet/assoc.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/dicom/dimse_command.h"
#include "common/dicom/tls_client.h"

namespace gateway::dicom {

// Where the gateway calls another AE (a commitment requester's report, a C-MOVE destination,
// a forwarding destination).
struct OutboundTarget {
  std::string host;
  std::uint16_t port = 0;
  std::string calling_aet;           // ours
  std::string called_aet;            // theirs
  std::chrono::seconds timeout{30};  // connect, association request and each DIMSE exchange
  std::uint32_t max_pdu_size = 131072;
  // Set: DICOM TLS (BCP 195, the peer's certificate verified), as the known AE's `tls` says.
  std::optional<TlsClientSettings> tls{};
};

struct OutboundContext {
  std::string abstract_syntax;
  std::vector<std::string> transfer_syntaxes;  // most preferred first
  // ASC_SC_ROLE_SCP: we propose to act as SCP for this class (the commitment report on a
  // new association, PS3.4 J.3.3); default: SCU.
  T_ASC_SC_ROLE role = ASC_SC_ROLE_DEFAULT;
};

// The connection could not be made or negotiated, or it broke: nothing was, or can be, sent
// on it. What to retry is the caller's decision.
class OutboundError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The association was made, but the peer accepted none of the presentation contexts: it does
// not take those SOP classes (a refusal, not an outage).
class NoContextAccepted : public OutboundError {
 public:
  using OutboundError::OutboundError;
};

struct OutboundStoreResult {
  std::uint16_t status = 0xFFFF;
  std::string error_comment;    // as the peer sent it
  std::string transfer_syntax;  // what was sent
  bool converted = false;       // the destination refused the original: decompressed
};

// An association the gateway requests (DCMTK's ASC layer; our command reader and writer for
// the DIMSE messages). Stored files are streamed from disk in their original transfer syntax
// when the peer accepts it; otherwise, if the peer accepts an uncompressed syntax for the
// class, the object is decompressed in memory (lossless) and sent in that. One thread uses
// an association at a time.
class OutboundAssociation {
 public:
  // Connects and negotiates. Throws OutboundError (refused, timed out, rejected, no context
  // accepted) naming the target.
  OutboundAssociation(const OutboundTarget& target, const std::vector<OutboundContext>& contexts);
  ~OutboundAssociation();  // releases, or aborts if that fails
  OutboundAssociation(const OutboundAssociation&) = delete;
  OutboundAssociation& operator=(const OutboundAssociation&) = delete;

  // An accepted context for the class (and transfer syntax, when given); 0 if none.
  T_ASC_PresentationContextID contextFor(const std::string& abstract_syntax,
                                         const std::string& transfer_syntax = "") const;

  // C-STORE of a Part 10 file. Throws OutboundError when the association fails (it is then
  // unusable); a refusal by the peer is a status. A class the peer did not accept at all is
  // reported as status 0x0122 without sending (`status_from_peer` false).
  OutboundStoreResult storeFile(const std::filesystem::path& file, const std::string& sop_class,
                                const std::string& sop_instance,
                                const std::string& move_originator_aet = "",
                                std::uint16_t move_originator_message_id = 0);

  // N-EVENT-REPORT-RQ; returns the response status. Throws OutboundError on failure.
  std::uint16_t sendEventReport(const std::string& sop_class, const std::string& sop_instance,
                                std::uint16_t event_type_id, DcmDataset& information);

  void release();
  void abort();
  const OutboundTarget& target() const { return target_; }

 private:
  DimseCommand awaitResponse(std::uint16_t command_field, std::uint16_t message_id);
  [[noreturn]] void fail(const std::string& what);
  void connect(const std::vector<OutboundContext>& contexts);

  OutboundTarget target_;
  std::unique_ptr<DcmTransportLayer> tls_layer_;  // outlives network_, which uses it
  T_ASC_Network* network_ = nullptr;
  T_ASC_Association* assoc_ = nullptr;
  std::uint16_t next_message_id_ = 1;
};

}  // namespace gateway::dicom
