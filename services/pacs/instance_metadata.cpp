#include "services/pacs/instance_metadata.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>

#include "common/dicom/element_text.h"

namespace gateway::pacs {
namespace {

constexpr Uint32 kMaxValueBytesLoaded = 4096;

// The view as coded (PS3.3 C.8.11.7, CID 4014 and 4015): the first View Code Sequence item as
// SCHEME:VALUE, and the meanings of its modifiers ("implant displaced", ...).
void readViewCode(DcmItem& dataset, InstanceMetadata& m) {
  DcmItem* view = nullptr;
  if (dataset.findAndGetSequenceItem(DCM_ViewCodeSequence, view, 0).bad() || view == nullptr) {
    return;
  }
  const std::string scheme = dicom::elementText(*view, DCM_CodingSchemeDesignator);
  const std::string value = dicom::elementText(*view, DCM_CodeValue);
  if (!value.empty()) m.view_code = scheme + ":" + value;
  for (signed long i = 0;; ++i) {
    DcmItem* modifier = nullptr;
    if (view->findAndGetSequenceItem(DCM_ViewModifierCodeSequence, modifier, i).bad() ||
        modifier == nullptr) {
      break;
    }
    std::string meaning = dicom::elementText(*modifier, DCM_CodeMeaning);
    if (meaning.empty()) meaning = dicom::elementText(*modifier, DCM_CodeValue);
    if (!meaning.empty()) m.view_modifiers += (m.view_modifiers.empty() ? "" : "|") + meaning;
  }
}

}  // namespace

MetadataResult readInstanceMetadata(const std::filesystem::path& file) {
  DcmFileFormat format;
  // Values longer than kMaxValueBytesLoaded (Pixel Data) stay in the file: DCMTK skips over
  // them, so the whole structure is read (Pixel Data's presence included) for the cost of
  // its headers.
  const OFCondition cond =
      format.loadFile(file.c_str(), EXS_Unknown, EGL_noChange, kMaxValueBytesLoaded, ERM_fileOnly);
  if (cond.bad()) return {std::nullopt, std::string("cannot parse: ") + cond.text()};
  DcmDataset& dataset = *format.getDataset();
  // Values are kept as UTF-8 in the index. A character set DCMTK cannot convert leaves the
  // original bytes, which is still better than losing the row.
  if (dataset.tagExists(DCM_SpecificCharacterSet)) (void)dataset.convertToUTF8();

  InstanceMetadata m;
  m.transfer_syntax_uid = dicom::elementText(*format.getMetaInfo(), DCM_TransferSyntaxUID);
  m.sop_class_uid = dicom::elementText(dataset, DCM_SOPClassUID);
  m.sop_instance_uid = dicom::elementText(dataset, DCM_SOPInstanceUID);
  m.patient_id = dicom::elementText(dataset, DCM_PatientID);
  m.patient_name = dicom::elementText(dataset, DCM_PatientName);
  m.accession_number = dicom::elementText(dataset, DCM_AccessionNumber);
  m.study_instance_uid = dicom::elementText(dataset, DCM_StudyInstanceUID);
  m.series_instance_uid = dicom::elementText(dataset, DCM_SeriesInstanceUID);
  m.modality = dicom::elementText(dataset, DCM_Modality);
  m.study_date = dicom::elementText(dataset, DCM_StudyDate);
  m.series_number = dicom::elementText(dataset, DCM_SeriesNumber);
  m.instance_number = dicom::elementText(dataset, DCM_InstanceNumber);
  m.image_laterality = dicom::elementText(dataset, DCM_ImageLaterality);
  if (m.image_laterality.empty()) {
    m.image_laterality = dicom::elementText(dataset, DCM_Laterality);
  }
  m.view_position = dicom::elementText(dataset, DCM_ViewPosition);
  m.patient_birth_date = dicom::elementText(dataset, DCM_PatientBirthDate);
  m.patient_sex = dicom::elementText(dataset, DCM_PatientSex);
  m.study_time = dicom::elementText(dataset, DCM_StudyTime);
  m.study_id = dicom::elementText(dataset, DCM_StudyID);
  m.study_description = dicom::elementText(dataset, DCM_StudyDescription);
  m.referring_physician_name = dicom::elementText(dataset, DCM_ReferringPhysicianName);
  m.series_description = dicom::elementText(dataset, DCM_SeriesDescription);
  m.series_date = dicom::elementText(dataset, DCM_SeriesDate);
  m.series_time = dicom::elementText(dataset, DCM_SeriesTime);
  m.body_part_examined = dicom::elementText(dataset, DCM_BodyPartExamined);
  m.content_date = dicom::elementText(dataset, DCM_ContentDate);
  m.content_time = dicom::elementText(dataset, DCM_ContentTime);
  readViewCode(dataset, m);
  m.has_pixel_data = dataset.tagExists(DCM_PixelData);
  m.has_rows = dataset.tagExistsWithValue(DCM_Rows);
  m.has_columns = dataset.tagExistsWithValue(DCM_Columns);
  m.has_bits_allocated = dataset.tagExistsWithValue(DCM_BitsAllocated);
  return {m, {}};
}

}  // namespace gateway::pacs
