#pragma once

#include <dcmtk/dcmnet/scu.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gateway::test {

struct StoreResponse {
  bool sent = false;  // false: the exchange itself failed (see error)
  std::uint16_t status = 0xffff;
  std::string error_comment;
  std::string error;
};

// DCMTK's SCU with what the tests need beyond it: C-STORE with a command that may
// disagree with its dataset, and the response's Error Comment.
class TestScu : public DcmSCU {
 public:
  TestScu(std::uint16_t port, const std::string& called_aet = "SCREENING_PACS",
          const std::string& calling_aet = "TEST_MODALITY");

  // Proposes `sop_classes` each with `transfer_syntaxes` (one context per pair).
  void propose(const std::vector<std::string>& sop_classes,
               const std::vector<std::string>& transfer_syntaxes);
  OFCondition connect();  // initNetwork + negotiateAssociation

  // Sends `dataset` with the given command UIDs (defaults: taken from the dataset) on the
  // context of `context_sop_class` (default: the command's class) and `transfer_syntax`
  // (default: explicit VR little endian).
  StoreResponse store(DcmDataset& dataset, const std::string& command_sop_class = "",
                      const std::string& command_sop_instance = "",
                      const std::string& transfer_syntax = "",
                      const std::string& context_sop_class = "");
};

// A raw association attempt, to read how a rejection was phrased.
struct AssociationAttempt {
  bool accepted = false;
  bool rejected = false;
  int result = 0;  // 1 permanent, 2 transient
  int source = 0;
  int reason = 0;
  std::string error;
};
AssociationAttempt tryAssociation(std::uint16_t port, const std::string& called_aet,
                                  const std::vector<std::string>& sop_classes,
                                  const std::vector<std::string>& transfer_syntaxes,
                                  int timeout_seconds = 10);

}  // namespace gateway::test

namespace gateway::test {

enum class Interruption { kDropConnection, kAbort };

// Negotiates, sends a C-STORE command and only the first `dataset_bytes` bytes of the
// dataset's encoding, then breaks off: closes the TCP connection, or sends A-ABORT.
// Returns an empty string on success, else what went wrong.
std::string sendPartialStore(std::uint16_t port, DcmDataset& dataset, std::size_t dataset_bytes,
                             Interruption how);

}  // namespace gateway::test
