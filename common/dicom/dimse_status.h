#pragma once

#include <cstdint>

// DIMSE status codes we answer with (PS3.7 Annex C, PS3.4 B.2.3).
namespace gateway::dicom::status {

inline constexpr std::uint16_t kSuccess = 0x0000;
inline constexpr std::uint16_t kProcessingFailure = 0x0110;
inline constexpr std::uint16_t kSopClassNotSupported = 0x0122;
inline constexpr std::uint16_t kOutOfResources = 0xA700;
inline constexpr std::uint16_t kDataSetDoesNotMatchSopClass = 0xA900;
inline constexpr std::uint16_t kCannotUnderstand = 0xC000;

}  // namespace gateway::dicom::status
