#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <memory>
#include <string>

#include "services/mwl/worklist_item.h"

namespace gateway::mwl {

// The response identifier for one matching item: exactly the keys the query asked for
// (nested Scheduled Procedure Step and code sequence keys included), each with the item's
// value or zero-length, plus Specific Character Set. A zero-item or empty-item Scheduled
// Procedure Step Sequence asks for the whole step. Values are UTF-8 here; see
// match::encodeReply (common/matching/query_charset.h) for the character set on the wire.
std::unique_ptr<DcmDataset> buildWorklistResponse(DcmItem& query, const WorklistItem& item);

}  // namespace gateway::mwl
