#pragma once

#include <dcmtk/dcmnet/scu.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace gateway::dicom {

// Points a DcmSCU at a peer with one timeout for connect, ACSE and DIMSE, non-blocking
// DIMSE, and proposes `sop_class` with explicit and implicit VR little endian. The clients
// we run ourselves (healthcheck, emulator) all start this way.
void configureScu(DcmSCU& scu, const std::string& host, std::uint16_t port,
                  const std::string& calling_aet, const std::string& called_aet,
                  std::chrono::seconds timeout, const std::string& sop_class);

}  // namespace gateway::dicom
