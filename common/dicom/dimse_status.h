#pragma once

#include <dcmtk/dcmnet/dimse.h>

#include <cstdint>
#include <string>

// The one table of DIMSE status codes the gateway sends (PS3.7 Annex C, PS3.4): our names for
// DCMTK's STATUS_* values, so every service speaks of the same code the same way.
namespace gateway::dicom::status {

inline constexpr std::uint16_t kSuccess = STATUS_Success;
inline constexpr std::uint16_t kPending = STATUS_FIND_Pending_MatchesAreContinuing;
inline constexpr std::uint16_t kCancel = STATUS_FIND_Cancel_MatchingTerminatedDueToCancelRequest;

// DIMSE-N and general failures (PS3.7 C.4).
inline constexpr std::uint16_t kInvalidAttributeValue = STATUS_N_InvalidAttributeValue;
inline constexpr std::uint16_t kProcessingFailure = STATUS_N_ProcessingFailure;
inline constexpr std::uint16_t kDuplicateSopInstance = STATUS_N_DuplicateSOPInstance;
inline constexpr std::uint16_t kNoSuchObjectInstance = STATUS_N_NoSuchSOPInstance;
inline constexpr std::uint16_t kNoSuchEventType = STATUS_N_NoSuchEventType;
inline constexpr std::uint16_t kInvalidArgumentValue = STATUS_N_InvalidArgumentValue;
inline constexpr std::uint16_t kInvalidObjectInstance = STATUS_N_InvalidSOPInstance;
inline constexpr std::uint16_t kNoSuchSopClass = STATUS_N_NoSuchSOPClass;
inline constexpr std::uint16_t kClassInstanceConflict = STATUS_N_ClassInstanceConflict;
inline constexpr std::uint16_t kMissingAttribute = STATUS_N_MissingAttribute;
inline constexpr std::uint16_t kMissingAttributeValue = STATUS_N_MissingAttributeValue;
inline constexpr std::uint16_t kSopClassNotSupported = STATUS_N_SOPClassNotSupported;
inline constexpr std::uint16_t kNoSuchAction = STATUS_N_NoSuchAction;
inline constexpr std::uint16_t kNotAuthorized = STATUS_N_Refused_NotAuthorized;
inline constexpr std::uint16_t kUnrecognizedOperation = STATUS_N_UnrecognizedOperation;
inline constexpr std::uint16_t kResourceLimitation = STATUS_N_ResourceLimitation;

// C-STORE (PS3.4 B.2.3) and C-FIND (C.4.1.1.4): the same codes, named for what they mean.
inline constexpr std::uint16_t kOutOfResources = STATUS_STORE_Refused_OutOfResources;
inline constexpr std::uint16_t kDataSetDoesNotMatchSopClass =
    STATUS_STORE_Error_DataSetDoesNotMatchSOPClass;
inline constexpr std::uint16_t kCannotUnderstand = STATUS_STORE_Error_CannotUnderstand;
inline constexpr std::uint16_t kIdentifierDoesNotMatchSopClass =
    STATUS_FIND_Error_DataSetDoesNotMatchSOPClass;
inline constexpr std::uint16_t kUnableToProcess = STATUS_FIND_Failed_UnableToProcess;

// C-MOVE / C-GET (C.4.2.1.5, C.4.3.1.4).
inline constexpr std::uint16_t kMoveDestinationUnknown = STATUS_MOVE_Refused_MoveDestinationUnknown;
inline constexpr std::uint16_t kOutOfResourcesMatches =
    STATUS_MOVE_Refused_OutOfResourcesNumberOfMatches;
inline constexpr std::uint16_t kOutOfResourcesSubOperations =
    STATUS_MOVE_Refused_OutOfResourcesSubOperations;
inline constexpr std::uint16_t kSubOperationsFailed =
    STATUS_MOVE_Warning_SubOperationsCompleteOneOrMoreFailures;

inline constexpr bool isPending(std::uint16_t s) { return s == 0xFF00 || s == 0xFF01; }
inline constexpr bool isSuccess(std::uint16_t s) { return s == kSuccess; }
// Warnings: 0x0001, 0xB000-0xBFFF (PS3.7 C.1.3).
inline constexpr bool isWarning(std::uint16_t s) { return s == 0x0001 || (s & 0xF000) == 0xB000; }
inline constexpr bool isFailure(std::uint16_t s) {
  return !isPending(s) && !isSuccess(s) && !isWarning(s) && s != kCancel;
}

// "0x0000", "0xA700": how every log line and message writes a status.
std::string format(std::uint16_t status);

}  // namespace gateway::dicom::status
