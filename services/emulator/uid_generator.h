#pragma once

#include <string>

namespace gateway::emulator {

// A new UID under the 2.25 root: "2.25." and the decimal value of a random (version 4)
// UUID, at most 44 characters (PS3.5 B.2). Thread-safe.
std::string newUid();

}  // namespace gateway::emulator
