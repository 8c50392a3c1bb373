#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <functional>
#include <memory>
#include <string>

#include "services/mwl/worklist_item.h"

namespace gateway::mwl {

// The response identifier for one matching item: exactly the keys the query asked for
// (nested Scheduled Procedure Step and code sequence keys included), each with the item's
// value or zero-length, plus Specific Character Set. A zero-item or empty-item Scheduled
// Procedure Step Sequence asks for the whole step. Values are UTF-8 here; see
// encodeReply for the character set on the wire.
std::unique_ptr<DcmDataset> buildWorklistResponse(DcmItem& query, const WorklistItem& item);

// The Specific Character Set a reply goes out in. All ASCII: none (""). Otherwise the
// character set the query declared when every value fits in it (`fits`), else the
// configured one, else UTF-8 (ISO_IR 192), which fits everything.
std::string chooseReplyCharset(bool all_ascii, const std::string& declared,
                               const std::string& configured,
                               const std::function<bool(const std::string&)>& fits);

// Converts a UTF-8 response to the chosen character set and sets (0008,0005).
// `declared` is the query's Specific Character Set as received.
void encodeReply(DcmDataset& response, const std::string& declared, const std::string& configured);

}  // namespace gateway::mwl
