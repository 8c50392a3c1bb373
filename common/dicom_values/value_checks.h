#pragma once

#include <optional>
#include <string>
#include <string_view>

// Checks of single DICOM values that configuration, the command line, worklist items and
// received commands all need. No dependency on configuration, so gateway::config can use it.
namespace gateway::dicom_values {

// A checked value, or why it was refused (a sentence about the value; the caller adds the
// setting or field name).
struct CheckedValue {
  std::optional<std::string> value;
  std::string error;
};

// An AE title (PS3.5 AE VR): 1-16 characters of printable ASCII without backslash. Leading
// and trailing spaces are not significant and are removed.
CheckedValue parseAeTitle(std::string_view text);

// A UID as isValidUid accepts it, surrounding white space removed.
CheckedValue parseUid(std::string_view text);

// True when text is usable as a DICOM UID here: 1-64 chars, digits and dots, no empty
// component. Leading zeros in a component break PS3.5 but some older modalities send them,
// and refusing their images would lose them, so they pass.
bool isValidUid(std::string_view text);

// True when text is a UID exactly as PS3.5 9.1 writes it (no leading zeros either), by
// DCMTK's UI VR checker: what our own generated UIDs must be.
bool isConformantUid(std::string_view text);

// A date (PS3.5 DA) as YYYYMMDD, a real calendar date from 1800 on.
bool isValidDate(std::string_view value);

// A time (PS3.5 TM) as HH[MM[SS[.F{1,6}]]], a second of 60 allowed (leap second).
bool isValidTime(std::string_view value);

}  // namespace gateway::dicom_values
