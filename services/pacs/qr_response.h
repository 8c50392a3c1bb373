#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <memory>
#include <string>

#include "services/pacs/qr_engine.h"

namespace gateway::pacs {

// The response identifier of one C-FIND answer (PS3.4 C.4.1.1.3.2): exactly the keys the
// identifier asked for, each with the entity's value or zero-length (keys the index does not
// hold, and keys of levels below the query level), aggregates computed from the index; plus
// Query/Retrieve Level, Retrieve AE Title (`retrieve_aet`, where C-MOVE/C-GET are served) and
// the unique key of the query level, asked or not. Values are UTF-8 here: the caller sets the
// character set on the wire (match::encodeReply).
std::unique_ptr<DcmDataset> buildQrResponse(DcmItem& identifier, const QrQuery& query,
                                            const QrAnswer& answer,
                                            const std::string& retrieve_aet);

}  // namespace gateway::pacs
