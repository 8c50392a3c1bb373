#include "common/dicom/echo_client.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scu.h>

#include "common/dicom/scu_setup.h"

namespace gateway::dicom {

EchoResult sendEcho(const std::string& host, std::uint16_t port, const std::string& calling_aet,
                    const std::string& called_aet, std::chrono::seconds timeout,
                    const TlsClientSettings* tls) {
  const auto started = std::chrono::steady_clock::now();
  EchoResult result;
  GatewayScu scu;
  configureScu(scu, host, port, calling_aet, called_aet, timeout, UID_VerificationSOPClass);

  OFCondition cond = scu.connect(tls);
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
