#include "common/dicom/scu_setup.h"

#include <dcmtk/dcmdata/dcuid.h>

#include <exception>

namespace gateway::dicom {

void configureScu(DcmSCU& scu, const std::string& host, std::uint16_t port,
                  const std::string& calling_aet, const std::string& called_aet,
                  std::chrono::seconds timeout, const std::string& sop_class) {
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
  scu.addPresentationContext(sop_class.c_str(), transfer_syntaxes);
}

GatewayScu::~GatewayScu() {
  // Released while the transport layer it was opened with still exists.
  if (isConnected() && releaseAssociation().bad()) abortAssociation();
}

OFCondition GatewayScu::connect(const TlsClientSettings* tls) {
  OFCondition cond = initNetwork();
  if (cond.good() && tls != nullptr) {
    try {
      tls_layer_ = makeClientTransport(*tls);
    } catch (const std::exception& e) {
      return makeOFCondition(0, 4, OF_error, e.what());
    }
    cond = useSecureConnection(tls_layer_.get());
  }
  if (cond.good()) cond = negotiateAssociation();
  return cond;
}

}  // namespace gateway::dicom
