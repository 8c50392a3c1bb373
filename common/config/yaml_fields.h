#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace YAML {
class Node;
}

namespace gateway::config {

// Helpers for the YAML lists of mappings (known_aes, forward): how problems name a place,
// and the field shapes they share.

// " (line N)" for a node from a file; "" when it has no position.
std::string lineOf(const YAML::Node& node);

// A host name or IPv4 address we can resolve later: letters, digits, '-', '.'.
bool plausibleHost(const std::string& host);

// Reads a scalar list (a YAML sequence of plain values); problems name `path`.
std::vector<std::pair<std::string, std::string>> scalarList(const YAML::Node& node,
                                                            const std::string& path,
                                                            const std::string& where,
                                                            std::vector<std::string>& problems);

// true/yes/on or false/no/off (any case); nothing for anything else.
std::optional<bool> parseBoolWord(const std::string& text);

}  // namespace gateway::config
