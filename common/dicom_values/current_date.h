#pragma once

#include <string>

namespace gateway::dicom_values {

// Today's local date as a DICOM DA value (YYYYMMDD): a screening day is the clinic's day.
std::string currentDate();

// The local date and time of one instant, as DA (YYYYMMDD) and TM (HHMMSS): taken together
// so a step started at midnight does not get tomorrow's date with yesterday's time.
struct DateAndTime {
  std::string date;
  std::string time;
};
DateAndTime currentDateAndTime();

}  // namespace gateway::dicom_values
