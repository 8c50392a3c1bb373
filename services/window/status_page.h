#pragma once

#include <cstdint>
#include <string>

#include "services/window/status_report.h"

namespace gateway::window {

// The status page (GET /): plain server-rendered HTML with its stylesheet and one small
// script inline (the unit has no internet, so nothing external), readable on a tablet,
// reloading itself every `refresh_seconds`. Every value is HTML-escaped
// (text::htmlEscaped) and patients are masked (logging::maskPatient). `nonce` goes on the
// inline style and script, which the Content-Security-Policy header allows by it.
std::string renderStatusPage(const StatusReport& report, const std::string& nonce,
                             int refresh_seconds = 30);

// "1.3 MiB": a byte count as a person reads it (the page and `status`).
std::string bytesText(std::uint64_t bytes);

// The Content-Security-Policy for a page rendered with `nonce`.
std::string pagePolicy(const std::string& nonce);

}  // namespace gateway::window
