#include "common/json/json_writer.h"

#include "common/text/utf8.h"

namespace gateway::json {
namespace {

bool holdsInvalidUtf8(const Json& value) {
  if (value.is_string()) return !text::isValidUtf8(value.get_ref<const std::string&>());
  if (value.is_array()) {
    for (const auto& element : value) {
      if (holdsInvalidUtf8(element)) return true;
    }
  } else if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      if (!text::isValidUtf8(key) || holdsInvalidUtf8(member)) return true;
    }
  }
  return false;
}

Json withValidUtf8(const Json& value) {
  if (value.is_string()) return text::toValidUtf8(value.get_ref<const std::string&>());
  if (value.is_array()) {
    Json out = Json::array();
    for (const auto& element : value) out.push_back(withValidUtf8(element));
    return out;
  }
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [key, member] : value.items()) {
      out[text::toValidUtf8(key)] = withValidUtf8(member);
    }
    return out;
  }
  return value;
}

}  // namespace

std::string toJsonLine(const Json& value) {
  // Repairing first keeps one replacement policy for the whole product; nlohmann's own
  // `replace` handler (left on as a last resort) would merge a broken sequence into one
  // U+FFFD where text::decodeUtf8 gives one per byte.
  constexpr auto kReplace = nlohmann::ordered_json::error_handler_t::replace;
  if (!holdsInvalidUtf8(value)) return value.dump(-1, ' ', false, kReplace);
  return withValidUtf8(value).dump(-1, ' ', false, kReplace);
}

}  // namespace gateway::json
