#pragma once

namespace gateway::pacs {

// The Query/Retrieve information models the PACS AE retrieves with (PS3.4 C.6).
inline constexpr const char* kPatientRootMove = "1.2.840.10008.5.1.4.1.2.1.2";
inline constexpr const char* kPatientRootGet = "1.2.840.10008.5.1.4.1.2.1.3";
inline constexpr const char* kStudyRootMove = "1.2.840.10008.5.1.4.1.2.2.2";
inline constexpr const char* kStudyRootGet = "1.2.840.10008.5.1.4.1.2.2.3";

// What an identifier selects (the unique keys at and above its level, PS3.4 C.4.2.2.1) is
// decided by the Query/Retrieve engine: parseQrIdentifier(..., QrPurpose::kRetrieve) and
// instancesToRetrieve (qr_query.h, qr_engine.h), the rules C-FIND uses too.

}  // namespace gateway::pacs
