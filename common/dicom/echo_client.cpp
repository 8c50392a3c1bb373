#include "common/dicom/echo_client.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scu.h>

namespace gateway::dicom {

EchoResult sendEcho(const std::string& host, std::uint16_t port, const std::string& calling_aet,
                    const std::string& called_aet, std::chrono::seconds timeout) {
  const auto started = std::chrono::steady_clock::now();
  EchoResult result;
  DcmSCU scu;
  scu.setAETitle(calling_aet.c_str());
  scu.setPeerHostName(host.c_str());
  scu.setPeerPort(port);
  scu.setPeerAETitle(called_aet.c_str());
  const auto seconds = static_cast<Uint32>(timeout.count());
  scu.setConnectionTimeout(static_cast<Sint32>(seconds));
  scu.setACSETimeout(seconds);
  scu.setDIMSETimeout(seconds);
  scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  OFList<OFString> transfer_syntaxes;
  transfer_syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
  transfer_syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
  scu.addPresentationContext(UID_VerificationSOPClass, transfer_syntaxes);

  OFCondition cond = scu.initNetwork();
  if (cond.good()) cond = scu.negotiateAssociation();
  if (cond.good()) {
    cond = scu.sendECHORequest(0);
    if (cond.good()) {
      scu.releaseAssociation();
      result.ok = true;
    } else {
      scu.abortAssociation();
    }
  }
  if (!result.ok) result.error = cond.text();
  result.milliseconds = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
  return result;
}

}  // namespace gateway::dicom
