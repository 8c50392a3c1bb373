#pragma once

#include <string>
#include <string_view>

namespace gateway::text {

// Text made safe for HTML element content and quoted attribute values: & < > " ' become
// character references, bytes that are not UTF-8 become U+FFFD (utf8.h's policy), and C0
// control characters other than tab and newline are dropped. Every value the status page
// shows (patient initials, accession numbers, AE titles a peer sent, descriptions) goes
// through here, so none can open a tag or leave an attribute.
std::string htmlEscaped(std::string_view text);

}  // namespace gateway::text
