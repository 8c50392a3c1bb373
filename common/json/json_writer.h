#pragma once

#include <nlohmann/json.hpp>
#include <string>

// How the product writes JSON (nlohmann-json, ADR 0010).
namespace gateway::json {

// Objects keep the order their members were added in, so output lists fields in the order a
// person expects (the worklist table's order, "ok" first in a report) rather than sorted.
using Json = nlohmann::ordered_json;

// `value` as one line of JSON: no spaces or indentation, non-ASCII UTF-8 as is (not \u
// escaped). Text from peers, files and the database may hold bytes that are not UTF-8: in
// values and keys each such byte becomes U+FFFD (text::toValidUtf8's policy), so the output
// is always valid JSON and this never throws for bad text.
std::string toJsonLine(const Json& value);

}  // namespace gateway::json
