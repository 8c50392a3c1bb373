#include "common/dicom_values/current_date.h"

#include <dcmtk/dcmdata/dcvrda.h>
#include <dcmtk/dcmdata/dcvrtm.h>
#include <dcmtk/ofstd/ofdatime.h>

#include <stdexcept>

namespace gateway::dicom_values {
namespace {

std::string toString(const OFString& value) { return std::string(value.c_str(), value.length()); }

}  // namespace

std::string currentDate() {
  OFString date;
  if (DcmDate::getCurrentDate(date).bad()) throw std::runtime_error("cannot read the clock");
  return toString(date);
}

DateAndTime currentDateAndTime() {
  OFDateTime now;
  OFString date;
  OFString time;
  if (!now.setCurrentDateTime() || DcmDate::getDicomDateFromOFDate(now.getDate(), date).bad() ||
      DcmTime::getDicomTimeFromOFTime(now.getTime(), time, OFTrue /*seconds*/).bad()) {
    throw std::runtime_error("cannot read the clock");
  }
  return {toString(date), toString(time)};
}

}  // namespace gateway::dicom_values
