#include "common/dicom/find_client.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scu.h>

#include "common/dicom/scu_setup.h"

namespace gateway::dicom {

FindResult sendFind(const std::string& host, std::uint16_t port, const std::string& calling_aet,
                    const std::string& called_aet, const std::string& sop_class, DcmDataset& query,
                    std::chrono::seconds timeout, const TlsClientSettings* tls) {
  const auto started = std::chrono::steady_clock::now();
  FindResult result;
  GatewayScu scu;
  configureScu(scu, host, port, calling_aet, called_aet, timeout, sop_class.c_str());

  OFCondition cond = scu.connect(tls);
  if (cond.good()) {
    const T_ASC_PresentationContextID pres_id =
        scu.findPresentationContextID(sop_class.c_str(), "");
    OFList<QRResponse*> responses;
    cond = pres_id == 0 ? makeOFCondition(0, 3, OF_error, "presentation context not accepted")
                        : scu.sendFINDRequest(pres_id, &query, &responses);
    for (QRResponse* response : responses) {
      if (response->m_dataset != nullptr && response->m_status == 0xff00) {
        result.matches.emplace_back(new DcmDataset(*response->m_dataset));
      }
      if (response->m_status != 0xff00 && response->m_status != 0xff01) {
        result.final_status = response->m_status;
      }
      delete response;
    }
    if (cond.good()) {
      scu.releaseAssociation();
      result.ok = result.final_status == 0x0000;
      if (!result.ok) {
        char text[64];
        std::snprintf(text, sizeof(text), "final status 0x%04X", result.final_status);
        result.error = text;
      }
    } else {
      scu.abortAssociation();
    }
  }
  if (cond.bad()) result.error = cond.text();
  result.milliseconds = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
  return result;
}

}  // namespace gateway::dicom
