#pragma once

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmnet/scu.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/dicom/scu_setup.h"

namespace gateway::dicom {

// The answer to one N-CREATE or N-SET.
struct MppsResponse {
  bool sent = false;  // false: the exchange itself failed (see error), status is meaningless
  std::uint16_t status = 0xffff;
  std::string error_comment;               // (0000,0902) of the response, if any
  std::string error;                       // why the exchange failed; empty when sent
  std::string affected_sop_instance_uid;   // as the response names it (may be empty)
  std::unique_ptr<DcmDataset> attributes;  // the response's attribute list, if any

  // Success, or a warning (PS3.4 F.7.2.1.2/F.7.2.2.2: 0x0001, 0x0107, 0x0116, 0xBxxx): the
  // SCP kept the step.
  bool ok() const;
  // "status=0x0110 (comment)" or the transport error, for log lines.
  std::string describe() const;
};

// A Modality Performed Procedure Step SCU (PS3.4 Annex F): N-CREATE and N-SET on one
// association. DCMTK 3.6.7's DcmSCU has no helpers for them, so they are built from its
// protected DIMSE primitives. Plain TCP or DICOM TLS. Generic: the caller builds the datasets. Used
// by the modality emulator and by the MPPS SCP's tests. Not thread-safe: one thread per client.
class MppsClient : public GatewayScu {
 public:
  // `tls`, when given, must outlive the client: DICOM TLS to the peer.
  MppsClient(const std::string& host, std::uint16_t port, const std::string& calling_aet,
             const std::string& called_aet, std::chrono::seconds timeout,
             const TlsClientSettings* tls = nullptr);
  ~MppsClient() override;
  MppsClient(const MppsClient&) = delete;
  MppsClient& operator=(const MppsClient&) = delete;

  // Opens the association proposing only the MPPS SOP class. Returns an empty string on
  // success, else what went wrong ("MPPS not accepted by MWL_SCP" when the peer refuses
  // the presentation context or every context).
  std::string connect();
  bool connected() const { return isConnected(); }
  // True after connect() when the peer answered but accepted no MPPS presentation context
  // (an SCP without MPPS), as opposed to being unreachable.
  bool refused() const { return refused_; }

  // N-CREATE-RQ with Affected SOP Instance UID = `sop_instance_uid` and `attributes` as the
  // attribute list.
  MppsResponse nCreate(const std::string& sop_instance_uid, DcmDataset& attributes);
  // N-SET-RQ with Requested SOP Instance UID = `sop_instance_uid` and `modifications` as the
  // modification list.
  MppsResponse nSet(const std::string& sop_instance_uid, DcmDataset& modifications);

  // Releases the association (aborts it when the release fails); safe when not connected.
  void release();

 private:
  MppsResponse exchange(T_DIMSE_Message& request, DcmDataset& dataset,
                        T_DIMSE_Command expected_response);

  std::string called_aet_;
  const TlsClientSettings* tls_;
  T_ASC_PresentationContextID presentation_id_ = 0;
  bool refused_ = false;
  // DcmSCU's own counter is private in 3.6.7; only this class sends on the association.
  DIC_US next_message_id_ = 1;
};

}  // namespace gateway::dicom
