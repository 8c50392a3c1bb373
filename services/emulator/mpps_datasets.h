#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <memory>
#include <string>
#include <vector>

#include "services/emulator/scheduled_step.h"

namespace gateway::emulator {

// The performed procedure step the emulator reports for one worklist step.
struct PerformedStep {
  std::string sop_instance_uid;  // the MPPS instance (N-CREATE Affected SOP Instance UID)
  std::string id;                // Performed Procedure Step ID (SH)
  std::string station_aet;       // Performed Station AE Title: the modality's calling AE
  std::string start_date;        // YYYYMMDD
  std::string start_time;        // HHMMSS
  std::string description;       // Performed Procedure Step Description
};

// The series produced, for N-SET's Performed Series Sequence.
struct PerformedSeries {
  std::string series_instance_uid;
  std::string series_description;
  std::string protocol_name;
  std::string retrieve_aet;  // where the images are: the PACS AE title
  std::string sop_class_uid;
  std::vector<std::string> sop_instance_uids;
};

// N-CREATE attribute list (PS3.4 F.7.2.1): status IN PROGRESS, the step's patient and
// Scheduled Step Attributes copied from the worklist, empty end date/time and series.
std::unique_ptr<DcmDataset> buildInProgress(const ScheduledStep& step,
                                            const PerformedStep& performed);

// N-SET modification list: final `status` (COMPLETED or DISCONTINUED), end date/time, and
// the series with its images.
std::unique_ptr<DcmDataset> buildFinal(const std::string& status, const std::string& end_date,
                                       const std::string& end_time, const PerformedSeries& series,
                                       bool non_ascii);

}  // namespace gateway::emulator
