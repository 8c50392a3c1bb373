#pragma once

#include "common/config/gateway_config.h"

namespace gateway::dicom {

// Sets DCMTK's process-wide network globals once, before any service thread starts:
// no reverse DNS on accept (a slow resolver would stall negotiation), socket send/receive
// timeouts (a peer that stops mid-PDU cannot hold a worker forever), and the largest
// association request we parse; and pins the dcmdata parser settings the dataset pre-scan
// relies on. Throws std::runtime_error when DCMTK's data dictionary is
// missing, since nothing can be parsed without it.
void configureDcmtkGlobals(const config::NetworkSettings& network);

// Largest A-ASSOCIATE-RQ PDU we read. A request with 128 presentation contexts is ~20 KiB.
inline constexpr std::size_t kMaxAssociateRequestBytes = 64 * 1024;

}  // namespace gateway::dicom
