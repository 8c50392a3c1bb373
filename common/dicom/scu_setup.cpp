#include "common/dicom/scu_setup.h"

#include <dcmtk/dcmdata/dcuid.h>

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

}  // namespace gateway::dicom
