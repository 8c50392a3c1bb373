#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <functional>
#include <optional>
#include <string>

#include "common/dicom/dimse_reply.h"

// The character sets of a C-FIND (PS3.5 6.1, PS3.4 C.2.2.2): values are matched in UTF-8,
// whatever the query declared, and each reply goes back in a character set the querying
// peer can read. Shared by every C-FIND SCP of the gateway (worklist, Query/Retrieve).
namespace gateway::match {

struct DecodedIdentifier {
  std::string declared;                      // Specific Character Set as received
  std::optional<dicom::DimseReply> refusal;  // set when the identifier cannot be read
};

// Converts the identifier's values to UTF-8 from its declared Specific Character Set.
// Undeclared non-ASCII values break the standard, but some modalities send them: valid
// UTF-8 is taken as it is, anything else as Latin-1. Refusals: 0xA900 for invalid UTF-8 in
// an identifier declared ISO_IR 192 (naming the attribute), 0xC000 for a character set that
// cannot be converted.
DecodedIdentifier decodeIdentifier(DcmDataset& identifier);

// The Specific Character Set a reply goes out in. All ASCII: none (""). Otherwise the
// character set the query declared when every value fits in it (`fits`), else the
// configured one, else UTF-8 (ISO_IR 192), which fits everything.
std::string chooseReplyCharset(bool all_ascii, const std::string& declared,
                               const std::string& configured,
                               const std::function<bool(const std::string&)>& fits);

// Converts a UTF-8 response to the chosen character set and sets (0008,0005).
// `declared` is the query's Specific Character Set as received.
void encodeReply(DcmDataset& response, const std::string& declared, const std::string& configured);

}  // namespace gateway::match
