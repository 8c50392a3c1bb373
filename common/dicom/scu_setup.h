#pragma once

#include <dcmtk/dcmnet/scu.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/dicom/tls_client.h"

namespace gateway::dicom {

// Points a DcmSCU at a peer with one timeout for connect, ACSE and DIMSE, non-blocking
// DIMSE, and proposes `sop_class` with explicit and implicit VR little endian. The clients
// we run ourselves (healthcheck, emulator) all start this way.
void configureScu(DcmSCU& scu, const std::string& host, std::uint16_t port,
                  const std::string& calling_aet, const std::string& called_aet,
                  std::chrono::seconds timeout, const std::string& sop_class);

// The DcmSCU of our own clients: plain TCP, or DICOM TLS (BCP 195, the server verified)
// when given TLS settings. The TLS transport layer lives as long as the SCU.
class GatewayScu : public DcmSCU {
 public:
  GatewayScu() = default;
  ~GatewayScu() override;
  GatewayScu(const GatewayScu&) = delete;
  GatewayScu& operator=(const GatewayScu&) = delete;

  // initNetwork, TLS if `tls` is given, negotiateAssociation.
  OFCondition connect(const TlsClientSettings* tls);

 private:
  std::unique_ptr<DcmTransportLayer> tls_layer_;
};

}  // namespace gateway::dicom
