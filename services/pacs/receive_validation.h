#pragma once

#include <dcmtk/dcmdata/dctagkey.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/pacs/instance_metadata.h"

namespace gateway::pacs {

// Why an object that arrived whole cannot be kept (nothing is stored; the peer gets the
// status and comment).
struct ReceiveRefusal {
  std::uint16_t status;
  std::string comment;
  std::vector<DcmTagKey> attributes;  // Offending Element
};

// The rules a received object must meet to be stored (docs/conformance-statement.md,
// "Receive validation"): an object a screening service cannot file or display is refused
// (0xA900, naming the attribute): no Study Instance UID, no Series Instance UID, Pixel Data
// without Rows, Columns or Bits Allocated. The SOP UIDs themselves are checked against the
// command by the archiver. nullopt: acceptable.
std::optional<ReceiveRefusal> refusalFor(const InstanceMetadata& metadata);

// What is kept but flagged for the operator (index column `flags`, comma-separated):
// "no_patient_id", "no_accession_number". Empty when nothing is missing.
std::string flagsFor(const InstanceMetadata& metadata);

}  // namespace gateway::pacs
