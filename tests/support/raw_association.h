#pragma once

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// A DICOM peer written from the PDU up, for tests that must send what no well-behaved
// toolkit would: nested or truncated datasets, oversized or malformed commands, connections
// from other loopback addresses (127.0.0.2, ...). It checks nothing it sends.
namespace gateway::test {

using Bytes = std::vector<std::uint8_t>;

struct ProposedContext {
  std::uint8_t id = 1;
  std::string abstract_syntax;
  std::string transfer_syntax;
  bool scp_role_only = false;  // proposes to be only the SCP of the class (C-GET delivery)
};

struct RawResponse {
  std::uint16_t command_field = 0;
  std::uint16_t status = 0xFFFF;
  std::string error_comment;
  std::string affected_sop_instance_uid;
  bool has_dataset = false;
  std::unique_ptr<DcmDataset> command;  // the whole command set
};

// A TCP connection to 127.0.0.1:port from `source_address`; -1 on failure.
int connectFrom(const std::string& source_address, std::uint16_t port);
// True when the server closes (or resets) `fd` within `limit`; what it sends is dropped.
bool closedWithin(int fd, std::chrono::milliseconds limit);

class RawAssociation {
 public:
  explicit RawAssociation(std::string source_address = "127.0.0.1")
      : source_(std::move(source_address)) {}
  ~RawAssociation();
  RawAssociation(const RawAssociation&) = delete;
  RawAssociation& operator=(const RawAssociation&) = delete;

  // Connects and negotiates; true when the association is accepted (with at least the
  // contexts whose ids accepted() lists).
  bool open(std::uint16_t port, const std::string& called_aet, const std::string& calling_aet,
            const std::vector<ProposedContext>& contexts);
  bool rejected() const { return rejected_; }
  int rejectResult() const { return reject_result_; }
  int rejectSource() const { return reject_source_; }
  int rejectReason() const { return reject_reason_; }
  const std::vector<std::uint8_t>& accepted() const { return accepted_; }

  // Sends a command set (encoded by encodeCommand) and, if given, a dataset's bytes as they
  // are, in PDVs of at most `pdv_bytes`.
  bool sendCommand(std::uint8_t context, const Bytes& command);
  bool sendDataset(std::uint8_t context, const Bytes& dataset, std::size_t pdv_bytes = 16000);
  // The next response command (its dataset, if any, is read and dropped).
  std::optional<RawResponse> readResponse(std::chrono::seconds timeout = std::chrono::seconds(30));
  bool release();
  // True when the server has closed or aborted within `timeout`.
  bool closedByPeer(std::chrono::seconds timeout);
  int fd() const { return fd_; }

 private:
  bool readPdu(std::uint8_t& type, Bytes& body, std::chrono::steady_clock::time_point deadline);

  std::string source_;
  int fd_ = -1;
  bool rejected_ = false;
  int reject_result_ = 0;
  int reject_source_ = 0;
  int reject_reason_ = 0;
  std::vector<std::uint8_t> accepted_;
  Bytes pending_pdvs_;  // P-DATA bytes of a PDU not yet consumed
};

// A command set in implicit VR little endian with its group length, as DIMSE sends it.
Bytes encodeCommand(DcmDataset& command);
// A dataset's bytes in `xfer` (no meta header).
Bytes encodeDataset(DcmDataset& dataset, E_TransferSyntax xfer);

// A C-STORE-RQ command set.
Bytes storeCommand(std::uint16_t message_id, const std::string& sop_class,
                   const std::string& sop_instance, bool with_dataset = true);
// A C-FIND-RQ command set.
Bytes findCommand(std::uint16_t message_id, const std::string& sop_class, bool with_dataset);
// N-CREATE-RQ / N-SET-RQ command sets.
Bytes nCreateCommand(std::uint16_t message_id, const std::string& sop_class,
                     const std::string& sop_instance);
Bytes nSetCommand(std::uint16_t message_id, const std::string& sop_class,
                  const std::string& sop_instance);

// Explicit VR little endian bytes: `depth` undefined-length sequences of `tag`, each with
// one undefined-length item, every one closed properly (a well-formed but absurdly deep
// dataset), after `prefix` (already encoded elements).
Bytes nestedSequences(const Bytes& prefix, int depth, std::uint16_t group = 0x0040,
                      std::uint16_t element = 0xA730, bool implicit = false);
// Explicit VR little endian element bytes.
Bytes explicitElement(std::uint16_t group, std::uint16_t element, const char vr[2],
                      const Bytes& value);
Bytes explicitElement(std::uint16_t group, std::uint16_t element, const char vr[2],
                      const std::string& value);
// An element header whose declared length may differ from what follows (OB/OW/UN/SQ...).
Bytes explicitLongHeader(std::uint16_t group, std::uint16_t element, const char vr[2],
                         std::uint32_t length);
Bytes append(Bytes a, const Bytes& b);

}  // namespace gateway::test
