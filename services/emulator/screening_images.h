#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "services/emulator/scheduled_step.h"

namespace gateway::emulator {

// What the four views of one screening share: the acquisition's series and time, and the
// performed procedure step that produced them.
struct Acquisition {
  std::string series_instance_uid;
  std::string date;  // YYYYMMDD: Study, Series, Content and Acquisition Date
  std::string time;  // HHMMSS
  std::string performed_step_id;
  std::string performed_step_uid;  // MPPS SOP Instance UID; empty: no reference
  std::string station_aet;         // the emulating modality's AE title
  std::string series_description;
};

// One of the four standard screening views.
struct ScreeningView {
  const char* name;           // "LCC"
  const char* laterality;     // Image Laterality: "L" or "R"
  const char* view_position;  // View Position: "CC" or "MLO"
  const char* code_value;     // View Code Sequence (SNOMED CT, scheme SCT)
  const char* code_meaning;
  const char* patient_orientation;  // row\column direction, chest wall opposite the first
};
// LCC, LMLO, RCC, RMLO in that order.
const std::vector<ScreeningView>& screeningViews();

struct ScreeningImage {
  const ScreeningView* view = nullptr;
  std::string sop_instance_uid;
  std::unique_ptr<DcmDataset> dataset;
};

inline constexpr std::uint16_t kImageRows = 320;
inline constexpr std::uint16_t kImageColumns = 256;

// Four Digital Mammography X-Ray Image Storage - For Presentation objects (one per view, one
// series, instance numbers 1-4) for `step`: patient, accession and study attributes copied
// from the worklist answer, synthetic 12-bit MONOCHROME2 pixels (a breast outline on the
// chest wall side, the pectoral muscle on MLO views).
std::vector<ScreeningImage> buildScreeningImages(const ScheduledStep& step,
                                                 const Acquisition& acquisition);

}  // namespace gateway::emulator
