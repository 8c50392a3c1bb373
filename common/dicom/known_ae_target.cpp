#include "common/dicom/known_ae_target.h"

namespace gateway::dicom {

std::optional<OutboundTarget> knownAeTarget(const RemoteAeTable& table, const std::string& ae_title,
                                            const config::TlsSettings& tls) {
  const config::KnownAe* entry = table.find(ae_title);
  if (entry == nullptr || entry->host.empty() || entry->port == 0) return std::nullopt;
  OutboundTarget target;
  target.host = entry->host;
  target.port = entry->port;
  target.called_aet = entry->ae_title;
  if (entry->tls) target.tls = remoteCallTls(tls);
  return target;
}

}  // namespace gateway::dicom
