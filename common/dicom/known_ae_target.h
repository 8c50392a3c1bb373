#pragma once

#include <optional>
#include <string>

#include "common/config/gateway_config.h"
#include "common/dicom/outbound_association.h"
#include "common/dicom/remote_ae_table.h"

namespace gateway::dicom {

// Where the gateway calls a known AE back (storage commitment reports, C-MOVE destinations,
// forwarding): its title, host and port from the table, DICOM TLS when its entry says `tls`
// (trusting tls.ca, showing the gateway's certificate). nullopt when it is not in the table
// or has no host and port. The caller sets its own calling AE title and timeout. Pure.
std::optional<OutboundTarget> knownAeTarget(const RemoteAeTable& table, const std::string& ae_title,
                                            const config::TlsSettings& tls);

}  // namespace gateway::dicom
