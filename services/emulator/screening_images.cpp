#include "services/emulator/screening_images.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>

#include "common/dicom_values/dataset_values.h"
#include "common/dicom_values/uid_generator.h"

namespace gateway::emulator {
namespace {

constexpr const char* kManufacturer = "Screening Gateway Emulator";
// SNOMED CT concept IDs under the designator "SCT" (PS3.16 Table 8-1); "SRT" with its
// SNOMED RT codes is deprecated, and validators warn about it.
constexpr const char* kSnomedCt = "SCT";
constexpr const char* kBreastCode = "76752008";  // Breast (SNOMED RT T-04000)

// Empty values are still sent: type 2 attributes must be present.
constexpr auto& put = dicom_values::putOrEmpty;

void putCode(DcmItem& item, const DcmTagKey& sequence, const char* value, const char* scheme,
             const char* meaning) {
  DcmItem* code = nullptr;
  if (item.findOrCreateSequenceItem(sequence, code, -2).bad() || code == nullptr) return;
  code->putAndInsertString(DCM_CodeValue, value);
  code->putAndInsertString(DCM_CodingSchemeDesignator, scheme);
  code->putAndInsertString(DCM_CodeMeaning, meaning);
}

// A cheap synthetic mammogram in 12 bits: a half ellipse of "tissue" against the chest wall
// (left edge for a left breast, right edge for a right one, as the Patient Orientation
// says), brighter towards the chest wall, with a fine texture so that nothing compresses to
// nothing; on MLO views the pectoral muscle as a bright triangle in the upper corner.
std::vector<Uint16> syntheticPixels(const ScreeningView& view) {
  const int rows = kImageRows;
  const int columns = kImageColumns;
  const bool left = view.laterality[0] == 'L';
  const bool oblique = std::string(view.view_position) == "MLO";
  std::vector<Uint16> pixels(static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns));
  const double semi_x = columns * 0.8;
  const double semi_y = rows * 0.42;
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < columns; ++x) {
      const int depth = left ? x : columns - 1 - x;  // distance from the chest wall
      const double nx = depth / semi_x;
      const double ny = (y - rows / 2.0) / semi_y;
      const double r2 = nx * nx + ny * ny;
      int value = 40 + (y % 16);  // background (air)
      if (r2 <= 1.0) value = 1200 + static_cast<int>((1.0 - r2) * 1600.0) + ((x ^ y) & 63) * 4;
      if (oblique && depth < static_cast<int>(columns * 0.35 * (1.0 - y / (rows * 0.6)))) {
        value = 3400 + ((x + y) & 31);
      }
      pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(columns) +
             static_cast<std::size_t>(x)] = static_cast<Uint16>(std::clamp(value, 0, 4095));
    }
  }
  return pixels;
}

std::unique_ptr<DcmDataset> buildImage(const ScheduledStep& step, const Acquisition& acq,
                                       const ScreeningView& view, int instance_number,
                                       const std::string& sop_instance_uid) {
  auto ds = std::make_unique<DcmDataset>();
  DcmDataset& d = *ds;
  if (hasNonAscii(step)) d.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
  // SOP Common
  d.putAndInsertString(DCM_SOPClassUID, UID_DigitalMammographyXRayImageStorageForPresentation);
  d.putAndInsertString(DCM_SOPInstanceUID, sop_instance_uid.c_str());
  d.putAndInsertString(DCM_InstanceCreationDate, acq.date.c_str());
  d.putAndInsertString(DCM_InstanceCreationTime, acq.time.c_str());
  // Patient, from the worklist
  put(d, DCM_PatientName, step.patient_name);
  put(d, DCM_PatientID, step.patient_id);
  put(d, DCM_PatientBirthDate, step.patient_birth_date);
  put(d, DCM_PatientSex, step.patient_sex);
  // General Study, from the worklist
  put(d, DCM_StudyInstanceUID, step.study_instance_uid);
  put(d, DCM_AccessionNumber, step.accession_number);
  put(d, DCM_StudyID, step.requested_procedure_id.substr(0, 16));
  put(d, DCM_ReferringPhysicianName, step.referring_physician);
  put(d, DCM_StudyDescription, step.requested_procedure_description);
  d.putAndInsertString(DCM_StudyDate, acq.date.c_str());
  d.putAndInsertString(DCM_StudyTime, acq.time.c_str());
  // General Series, DX Series, Mammography Series
  d.putAndInsertString(DCM_Modality, "MG");
  d.putAndInsertString(DCM_SeriesInstanceUID, acq.series_instance_uid.c_str());
  d.putAndInsertString(DCM_SeriesNumber, "1");
  d.putAndInsertString(DCM_SeriesDate, acq.date.c_str());
  d.putAndInsertString(DCM_SeriesTime, acq.time.c_str());
  put(d, DCM_SeriesDescription, acq.series_description);
  d.putAndInsertString(DCM_PresentationIntentType, "FOR PRESENTATION");
  put(d, DCM_PerformedProcedureStepID, acq.performed_step_id);
  d.putAndInsertString(DCM_PerformedProcedureStepStartDate, acq.date.c_str());
  d.putAndInsertString(DCM_PerformedProcedureStepStartTime, acq.time.c_str());
  put(d, DCM_PerformedProcedureStepDescription, step.step_description);
  if (!acq.performed_step_uid.empty()) {
    DcmItem* pps = nullptr;
    if (d.findOrCreateSequenceItem(DCM_ReferencedPerformedProcedureStepSequence, pps, -2).good()) {
      pps->putAndInsertString(DCM_ReferencedSOPClassUID,
                              UID_ModalityPerformedProcedureStepSOPClass);
      pps->putAndInsertString(DCM_ReferencedSOPInstanceUID, acq.performed_step_uid.c_str());
    }
  }
  DcmItem* request = nullptr;
  if (d.findOrCreateSequenceItem(DCM_RequestAttributesSequence, request, -2).good()) {
    put(*request, DCM_RequestedProcedureID, step.requested_procedure_id);
    put(*request, DCM_ScheduledProcedureStepID, step.step_id);
    put(*request, DCM_ScheduledProcedureStepDescription, step.step_description);
  }
  // General Equipment
  d.putAndInsertString(DCM_Manufacturer, kManufacturer);
  d.putAndInsertString(DCM_ManufacturerModelName, "Modality emulator");
  put(d, DCM_StationName, acq.station_aet);
  d.putAndInsertString(DCM_SoftwareVersions, "1");
  // General Image, DX Image, Mammography Image
  d.putAndInsertString(DCM_InstanceNumber, std::to_string(instance_number).c_str());
  d.putAndInsertString(DCM_ContentDate, acq.date.c_str());
  d.putAndInsertString(DCM_ContentTime, acq.time.c_str());
  d.putAndInsertString(DCM_AcquisitionDate, acq.date.c_str());
  d.putAndInsertString(DCM_AcquisitionTime, acq.time.c_str());
  d.putAndInsertString(DCM_ImageType, "ORIGINAL\\PRIMARY");
  d.putAndInsertString(DCM_PatientOrientation, view.patient_orientation);
  d.putAndInsertString(DCM_ImageLaterality, view.laterality);
  d.putAndInsertString(DCM_ViewPosition, view.view_position);
  d.putAndInsertString(DCM_BodyPartExamined, "BREAST");
  d.putAndInsertString(DCM_OrganExposed, "BREAST");
  d.putAndInsertString(DCM_PositionerType, "MAMMOGRAPHIC");
  putCode(d, DCM_ViewCodeSequence, view.code_value, kSnomedCt, view.code_meaning);
  DcmItem* view_code = nullptr;
  if (d.findAndGetSequenceItem(DCM_ViewCodeSequence, view_code, 0).good()) {
    view_code->insertEmptyElement(DCM_ViewModifierCodeSequence);  // type 2: no modifier
  }
  putCode(d, DCM_AnatomicRegionSequence, kBreastCode, kSnomedCt, "Breast");
  // Acquisition Context: type 2, and this emulator has no context to describe.
  d.insertEmptyElement(DCM_AcquisitionContextSequence);
  d.putAndInsertString(DCM_BurnedInAnnotation, "NO");
  d.putAndInsertString(DCM_RecognizableVisualFeatures, "NO");
  d.putAndInsertString(DCM_BreastImplantPresent, "NO");
  d.putAndInsertString(DCM_QualityControlImage, "NO");
  d.putAndInsertString(DCM_LossyImageCompression, "00");
  d.putAndInsertString(DCM_PixelIntensityRelationship, "LOG");
  d.putAndInsertString(DCM_PixelIntensityRelationshipSign, "1");
  d.putAndInsertString(DCM_RescaleIntercept, "0");
  d.putAndInsertString(DCM_RescaleSlope, "1");
  d.putAndInsertString(DCM_RescaleType, "US");
  d.putAndInsertString(DCM_PresentationLUTShape, "IDENTITY");
  d.putAndInsertString(DCM_WindowCenter, "2048");
  d.putAndInsertString(DCM_WindowWidth, "4096");
  // DX Detector
  d.putAndInsertString(DCM_DetectorType, "DIRECT");
  d.putAndInsertString(DCM_ImagerPixelSpacing, "0.94\\0.94");
  d.putAndInsertString(DCM_PixelSpacing, "0.94\\0.94");
  // Image Pixel
  d.putAndInsertUint16(DCM_SamplesPerPixel, 1);
  d.putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
  d.putAndInsertUint16(DCM_Rows, kImageRows);
  d.putAndInsertUint16(DCM_Columns, kImageColumns);
  d.putAndInsertUint16(DCM_BitsAllocated, 16);
  d.putAndInsertUint16(DCM_BitsStored, 12);
  d.putAndInsertUint16(DCM_HighBit, 11);
  d.putAndInsertUint16(DCM_PixelRepresentation, 0);
  const std::vector<Uint16> pixels = syntheticPixels(view);
  d.putAndInsertUint16Array(DCM_PixelData, pixels.data(),
                            static_cast<unsigned long>(pixels.size()));
  return ds;
}

}  // namespace

const std::vector<ScreeningView>& screeningViews() {
  // SNOMED CT codes of CID 4014 (View for Mammography).
  static const std::vector<ScreeningView> kViews = {
      {"LCC", "L", "CC", "399162004", "cranio-caudal", "A\\R"},
      {"LMLO", "L", "MLO", "399368009", "medio-lateral oblique", "A\\FR"},
      {"RCC", "R", "CC", "399162004", "cranio-caudal", "P\\L"},
      {"RMLO", "R", "MLO", "399368009", "medio-lateral oblique", "P\\FL"},
  };
  return kViews;
}

std::vector<ScreeningImage> buildScreeningImages(const ScheduledStep& step,
                                                 const Acquisition& acquisition) {
  std::vector<ScreeningImage> images;
  int instance_number = 0;
  for (const ScreeningView& view : screeningViews()) {
    ScreeningImage image;
    image.view = &view;
    image.sop_instance_uid = dicom_values::generateUid();
    image.dataset = buildImage(step, acquisition, view, ++instance_number, image.sop_instance_uid);
    images.push_back(std::move(image));
  }
  return images;
}

}  // namespace gateway::emulator
