#pragma once

#include <string>
#include <string_view>

namespace gateway::logging {

// Turns a patient identifier (ID, name) into a short token safe for INFO logs: the same
// value gives the same token within one process run, so an administrator can follow one
// patient's objects through the log, but the token cannot be reversed (keyed hash with a
// random per-process key; a plain hash of an 8-digit ID would be trivial to brute-force).
// Empty input gives "-".
std::string maskIdentifier(std::string_view value);

// How a patient is shown to an operator who must recognise, not identify, them (the status
// page, `status`, the read API without a token): the initials of the name's given and family
// components, in that order, then the last three characters of the ID, e.g. SMITH^JANE with
// DEMO-0001 -> "J.S. *001". Initials are whole UTF-8 characters, upper-cased when ASCII; an
// ID of three characters or fewer shows only "*". Empty name and ID give "-".
std::string maskPatient(std::string_view patient_name, std::string_view patient_id);

// The initials part alone ("J.S."; "" for an empty name).
std::string nameInitials(std::string_view patient_name);

// The ID part alone ("*001"; "*" when too short to show anything; "" when empty).
std::string idTail(std::string_view patient_id);

}  // namespace gateway::logging
