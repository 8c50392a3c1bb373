#pragma once

#include <dcmtk/dcmnet/assoc.h>

#include <cstddef>
#include <string>

#include "common/dicom/dimse_command.h"

namespace gateway::dicom {

// The largest command set we read. Real ones are a few hundred bytes; DCMTK itself would
// read any size and parse it recursively.
inline constexpr std::size_t kMaxCommandBytes = 64 * 1024;

// Reads the next DIMSE command on `assoc`: its PDVs (DCMTK's DUL layer), at most
// kMaxCommandBytes, pre-scanned (a command set holds no sequences: nesting depth 0), then
// parsed. Returns EC_Normal with `command` filled; DUL_PEERREQUESTEDRELEASE and
// DUL_PEERABORTEDASSOCIATION as DCMTK reports them; DIMSE_NODATAAVAILABLE when nothing
// arrives within `timeout_seconds`; any other failure (a PDV of the wrong type, a command too
// large, nested or unparseable) as an error condition whose text says why: the association
// cannot go on after it.
OFCondition readCommand(T_ASC_Association* assoc, int timeout_seconds, DimseCommand& command);

}  // namespace gateway::dicom
