#include "services/emulator/screening_images.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "common/dicom_values/uid_generator.h"
#include "common/dicom_values/value_checks.h"
#include "tests/support/emulator_fixtures.h"

namespace gateway::emulator {
namespace {

ScheduledStep step() { return test::sampleScheduledStep(); }
Acquisition acquisition() { return test::sampleAcquisition(); }

std::string get(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

// PS3.5 9.1: digits and dots, at most 64 characters, no empty component, no leading zero.
bool isValidUid(const std::string& uid) { return dicom_values::isConformantUid(uid); }

TEST(ScreeningImages, BuildsTheFourViewsWithLateralityViewAndCode) {
  const auto images = buildScreeningImages(step(), acquisition());
  ASSERT_EQ(images.size(), 4u);
  struct Expected {
    const char* name;
    const char* laterality;
    const char* view;
    const char* code;
    const char* meaning;
  };
  const Expected expected[] = {{"LCC", "L", "CC", "399162004", "cranio-caudal"},
                               {"LMLO", "L", "MLO", "399368009", "medio-lateral oblique"},
                               {"RCC", "R", "CC", "399162004", "cranio-caudal"},
                               {"RMLO", "R", "MLO", "399368009", "medio-lateral oblique"}};
  for (std::size_t i = 0; i < images.size(); ++i) {
    SCOPED_TRACE(expected[i].name);
    DcmDataset& d = *images[i].dataset;
    EXPECT_EQ(std::string(images[i].view->name), expected[i].name);
    EXPECT_EQ(get(d, DCM_ImageLaterality), expected[i].laterality);
    EXPECT_EQ(get(d, DCM_ViewPosition), expected[i].view);
    EXPECT_EQ(get(d, DCM_InstanceNumber), std::to_string(i + 1));
    DcmItem* code = nullptr;
    ASSERT_TRUE(d.findAndGetSequenceItem(DCM_ViewCodeSequence, code, 0).good());
    EXPECT_EQ(get(*code, DCM_CodeValue), expected[i].code);
    EXPECT_EQ(get(*code, DCM_CodingSchemeDesignator), "SCT");  // SNOMED CT, not SRT
    EXPECT_EQ(get(*code, DCM_CodeMeaning), expected[i].meaning);
    EXPECT_TRUE(code->tagExists(DCM_ViewModifierCodeSequence));
    const std::string orientation = get(d, DCM_PatientOrientation);
    // The chest wall is on the side the rows point away from: A for left, P for right.
    EXPECT_EQ(orientation.substr(0, 1), expected[i].laterality[0] == 'L' ? "A" : "P");
  }
}

TEST(ScreeningImages, CopiesPatientAccessionAndStudyFromTheWorklist) {
  const ScheduledStep s = step();
  const Acquisition a = acquisition();
  for (const auto& image : buildScreeningImages(s, a)) {
    DcmDataset& d = *image.dataset;
    EXPECT_EQ(get(d, DCM_PatientName), s.patient_name);
    EXPECT_EQ(get(d, DCM_PatientID), s.patient_id);
    EXPECT_EQ(get(d, DCM_PatientBirthDate), s.patient_birth_date);
    EXPECT_EQ(get(d, DCM_PatientSex), s.patient_sex);
    EXPECT_EQ(get(d, DCM_AccessionNumber), s.accession_number);
    EXPECT_EQ(get(d, DCM_StudyInstanceUID), s.study_instance_uid);
    EXPECT_EQ(get(d, DCM_ReferringPhysicianName), s.referring_physician);
    EXPECT_EQ(get(d, DCM_StudyID), s.requested_procedure_id);
    EXPECT_EQ(get(d, DCM_StudyDescription), s.requested_procedure_description);
    EXPECT_EQ(get(d, DCM_StudyDate), a.date);
    EXPECT_EQ(get(d, DCM_PerformedProcedureStepID), a.performed_step_id);
    DcmItem* request = nullptr;
    ASSERT_TRUE(d.findAndGetSequenceItem(DCM_RequestAttributesSequence, request, 0).good());
    EXPECT_EQ(get(*request, DCM_RequestedProcedureID), s.requested_procedure_id);
    EXPECT_EQ(get(*request, DCM_ScheduledProcedureStepID), s.step_id);
    DcmItem* pps = nullptr;
    ASSERT_TRUE(
        d.findAndGetSequenceItem(DCM_ReferencedPerformedProcedureStepSequence, pps, 0).good());
    EXPECT_EQ(get(*pps, DCM_ReferencedSOPClassUID), UID_ModalityPerformedProcedureStepSOPClass);
    EXPECT_EQ(get(*pps, DCM_ReferencedSOPInstanceUID), a.performed_step_uid);
    // ASCII only: no Specific Character Set needed.
    EXPECT_FALSE(d.tagExists(DCM_SpecificCharacterSet));
  }
}

TEST(ScreeningImages, HasValidDistinctUidsInOneSeries) {
  const Acquisition a = acquisition();
  const auto images = buildScreeningImages(step(), a);
  std::set<std::string> instances;
  for (const auto& image : images) {
    DcmDataset& d = *image.dataset;
    EXPECT_EQ(get(d, DCM_SOPClassUID), UID_DigitalMammographyXRayImageStorageForPresentation);
    const std::string uid = get(d, DCM_SOPInstanceUID);
    EXPECT_EQ(uid, image.sop_instance_uid);
    EXPECT_TRUE(isValidUid(uid)) << uid;
    instances.insert(uid);
    EXPECT_EQ(get(d, DCM_SeriesInstanceUID), a.series_instance_uid);
    EXPECT_TRUE(isValidUid(get(d, DCM_SeriesInstanceUID)));
    EXPECT_NE(uid, a.series_instance_uid);
  }
  EXPECT_EQ(instances.size(), 4u);
  EXPECT_NE(*instances.begin(), buildScreeningImages(step(), a)[0].sop_instance_uid);
}

TEST(ScreeningImages, IsADigitalMammographyForPresentationObject) {
  for (const auto& image : buildScreeningImages(step(), acquisition())) {
    DcmDataset& d = *image.dataset;
    EXPECT_EQ(get(d, DCM_Modality), "MG");
    EXPECT_EQ(get(d, DCM_ImageType), "ORIGINAL\\PRIMARY");
    EXPECT_EQ(get(d, DCM_PresentationIntentType), "FOR PRESENTATION");
    EXPECT_EQ(get(d, DCM_BodyPartExamined), "BREAST");
    EXPECT_EQ(get(d, DCM_BurnedInAnnotation), "NO");
    EXPECT_EQ(get(d, DCM_Manufacturer), "Screening Gateway Emulator");
    EXPECT_EQ(get(d, DCM_SeriesNumber), "1");
    EXPECT_FALSE(get(d, DCM_PixelSpacing).empty());
    EXPECT_FALSE(get(d, DCM_ImagerPixelSpacing).empty());
    DcmItem* region = nullptr;
    ASSERT_TRUE(d.findAndGetSequenceItem(DCM_AnatomicRegionSequence, region, 0).good());
    EXPECT_EQ(get(*region, DCM_CodeValue), "76752008");
    EXPECT_EQ(get(*region, DCM_CodingSchemeDesignator), "SCT");
    EXPECT_EQ(get(*region, DCM_CodeMeaning), "Breast");
    // Type 2 in the Acquisition Context module: present, and empty.
    DcmSequenceOfItems* context = nullptr;
    ASSERT_TRUE(d.findAndGetSequence(DCM_AcquisitionContextSequence, context).good());
    ASSERT_NE(context, nullptr);
    EXPECT_EQ(context->card(), 0u);
    EXPECT_EQ(get(d, DCM_PhotometricInterpretation), "MONOCHROME2");
    Uint16 value = 0;
    ASSERT_TRUE(d.findAndGetUint16(DCM_SamplesPerPixel, value).good());
    EXPECT_EQ(value, 1);
    ASSERT_TRUE(d.findAndGetUint16(DCM_BitsAllocated, value).good());
    EXPECT_EQ(value, 16);
    ASSERT_TRUE(d.findAndGetUint16(DCM_BitsStored, value).good());
    EXPECT_EQ(value, 12);
    ASSERT_TRUE(d.findAndGetUint16(DCM_HighBit, value).good());
    EXPECT_EQ(value, 11);
    ASSERT_TRUE(d.findAndGetUint16(DCM_PixelRepresentation, value).good());
    EXPECT_EQ(value, 0);
    Uint16 rows = 0;
    Uint16 columns = 0;
    ASSERT_TRUE(d.findAndGetUint16(DCM_Rows, rows).good());
    ASSERT_TRUE(d.findAndGetUint16(DCM_Columns, columns).good());
    const Uint16* pixels = nullptr;
    unsigned long count = 0;
    ASSERT_TRUE(d.findAndGetUint16Array(DCM_PixelData, pixels, &count).good());
    ASSERT_EQ(count, static_cast<unsigned long>(rows) * columns);
    const auto [lowest, highest] = std::minmax_element(pixels, pixels + count);
    EXPECT_LT(*lowest, *highest);  // a pattern, not a constant
    EXPECT_LE(*highest, 4095);     // fits Bits Stored
  }
}

TEST(ScreeningImages, DeclaresUtf8ForNonAsciiNames) {
  ScheduledStep s = step();
  s.patient_name = "MÜLLER^JÜRGEN";
  for (const auto& image : buildScreeningImages(s, acquisition())) {
    EXPECT_EQ(get(*image.dataset, DCM_SpecificCharacterSet), "ISO_IR 192");
    EXPECT_EQ(get(*image.dataset, DCM_PatientName), "MÜLLER^JÜRGEN");
  }
}

TEST(ScreeningImages, OmitsThePerformedStepReferenceWithoutMpps) {
  Acquisition a = acquisition();
  a.performed_step_uid.clear();
  for (const auto& image : buildScreeningImages(step(), a)) {
    EXPECT_FALSE(image.dataset->tagExists(DCM_ReferencedPerformedProcedureStepSequence));
    EXPECT_EQ(get(*image.dataset, DCM_PerformedProcedureStepID), a.performed_step_id);
  }
}

}  // namespace
}  // namespace gateway::emulator
