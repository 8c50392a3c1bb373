#include "tests/support/dicom_factory.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcvrobow.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "common/crypto/sha256.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {
namespace {

void check(const OFCondition& cond, const char* what) {
  if (cond.bad()) throw std::runtime_error(std::string(what) + ": " + cond.text());
}

bool isImageClass(const std::string& uid) {
  return uid != UID_XRayRadiationDoseSRStorage &&
         uid != UID_GrayscaleSoftcopyPresentationStateStorage;
}

void addCodeItem(DcmItem& parent, const DcmTagKey& sequence, const char* value, const char* scheme,
                 const char* meaning) {
  DcmItem* item = nullptr;
  check(parent.findOrCreateSequenceItem(sequence, item, -2), "sequence item");
  item->putAndInsertString(DCM_CodeValue, value);
  item->putAndInsertString(DCM_CodingSchemeDesignator, scheme);
  item->putAndInsertString(DCM_CodeMeaning, meaning);
}

}  // namespace

std::string newUid() {
  static std::atomic<unsigned long> counter{0};
  static const unsigned long run = static_cast<unsigned long>(::getpid()) * 100000UL +
                                   static_cast<unsigned long>(std::time(nullptr) % 100000);
  return "1.2.826.0.1.3680043.10.543." + std::to_string(run) + "." + std::to_string(++counter);
}

std::unique_ptr<DcmDataset> makeObject(const ObjectSpec& spec) {
  auto ds = std::make_unique<DcmDataset>();
  const std::string instance = spec.sop_instance_uid.empty() ? newUid() : spec.sop_instance_uid;
  ds->putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
  ds->putAndInsertString(DCM_SOPClassUID, spec.sop_class_uid.c_str());
  ds->putAndInsertString(DCM_SOPInstanceUID, instance.c_str());
  ds->putAndInsertString(DCM_StudyDate, "20261128");
  ds->putAndInsertString(DCM_StudyTime, "093000");
  ds->putAndInsertString(DCM_AccessionNumber, spec.accession_number.c_str());
  ds->putAndInsertString(DCM_PatientName, spec.patient_name.c_str());
  ds->putAndInsertString(DCM_PatientID, spec.patient_id.c_str());
  ds->putAndInsertString(DCM_PatientBirthDate, "19700101");
  ds->putAndInsertString(DCM_PatientSex, "F");
  ds->putAndInsertString(DCM_StudyInstanceUID, (instance + ".1").c_str());
  ds->putAndInsertString(DCM_SeriesInstanceUID, (instance + ".2").c_str());
  ds->putAndInsertString(DCM_SeriesNumber, "1");
  ds->putAndInsertString(DCM_InstanceNumber, "1");
  if (spec.sop_class_uid == UID_XRayRadiationDoseSRStorage) {
    ds->putAndInsertString(DCM_Modality, "SR");
    ds->putAndInsertString(DCM_ValueType, "CONTAINER");
    ds->putAndInsertString(DCM_ContinuityOfContent, "SEPARATE");
    addCodeItem(*ds, DCM_ConceptNameCodeSequence, "113701", "DCM", "X-Ray Radiation Dose Report");
    return ds;
  }
  if (spec.sop_class_uid == UID_GrayscaleSoftcopyPresentationStateStorage) {
    ds->putAndInsertString(DCM_Modality, "PR");
    ds->putAndInsertString(DCM_ContentLabel, "SCREENING");
    ds->putAndInsertString(DCM_PresentationCreationDate, "20261128");
    ds->putAndInsertString(DCM_PresentationCreationTime, "093100");
    DcmItem* series = nullptr;
    check(ds->findOrCreateSequenceItem(DCM_ReferencedSeriesSequence, series, -2), "series item");
    series->putAndInsertString(DCM_SeriesInstanceUID, (instance + ".9").c_str());
    return ds;
  }
  ds->putAndInsertString(DCM_Modality,
                         spec.sop_class_uid == UID_SecondaryCaptureImageStorage ? "OT" : "MG");
  ds->putAndInsertString(DCM_ImageLaterality, "L");
  ds->putAndInsertString(DCM_ViewPosition, "CC");
  addCodeItem(*ds, DCM_ViewCodeSequence, "399162004", "SCT", "cranio-caudal");
  if (!isImageClass(spec.sop_class_uid) || !spec.with_pixels) return ds;
  ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
  ds->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
  ds->putAndInsertUint16(DCM_Rows, spec.rows);
  ds->putAndInsertUint16(DCM_Columns, spec.columns);
  ds->putAndInsertUint16(DCM_BitsAllocated, 16);
  ds->putAndInsertUint16(DCM_BitsStored, 12);
  ds->putAndInsertUint16(DCM_HighBit, 11);
  ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
  if (spec.frames > 1) {
    ds->putAndInsertString(DCM_NumberOfFrames, std::to_string(spec.frames).c_str());
  }
  const std::size_t count = std::size_t{spec.rows} * spec.columns * spec.frames;
  std::vector<Uint16> pixels(count);
  for (std::size_t i = 0; i < count; ++i) {
    pixels[i] = static_cast<Uint16>((i * 7 + i / spec.columns * 13) & 0x0fff);
  }
  check(
      ds->putAndInsertUint16Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(count)),
      "pixel data");
  return ds;
}

std::string encodeLikeDimse(DcmDataset& dataset, E_TransferSyntax transfer_syntax) {
  TempDir dir;
  const auto file = dir / "encoded.bin";
  check(dataset.saveFile(file.c_str(), transfer_syntax, EET_ExplicitLength, EGL_recalcGL,
                         EPD_withoutPadding),
        "encode dataset");
  return readFileBytes(file);
}

std::uint64_t datasetOffsetOfFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  unsigned char head[144];
  in.read(reinterpret_cast<char*>(head), sizeof(head));
  if (!in || std::memcmp(head + 128, "DICM", 4) != 0 || head[132] != 0x02 || head[133] != 0 ||
      head[134] != 0 || head[135] != 0) {
    throw std::runtime_error("not a Part 10 file with a meta group length: " + file.string());
  }
  const std::uint32_t group_length = std::uint32_t{head[140]} | (std::uint32_t{head[141]} << 8) |
                                     (std::uint32_t{head[142]} << 16) |
                                     (std::uint32_t{head[143]} << 24);
  return 144 + std::uint64_t{group_length};
}

std::string datasetBytesOfFile(const std::filesystem::path& file) {
  return readFileBytes(file).substr(datasetOffsetOfFile(file));
}

std::string sha256OfFileFrom(const std::filesystem::path& file, std::uint64_t offset) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  crypto::Sha256 sha;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) sha.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  return sha.finishHex();
}

std::string writeLargeMultiframeFile(const std::filesystem::path& file, std::uint32_t frames,
                                     std::uint16_t rows, std::uint16_t columns) {
  ObjectSpec spec;
  spec.sop_class_uid = UID_BreastTomosynthesisImageStorage;
  spec.rows = rows;
  spec.columns = columns;
  spec.frames = frames;
  spec.with_pixels = false;
  auto ds = makeObject(spec);
  ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
  ds->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
  ds->putAndInsertUint16(DCM_Rows, rows);
  ds->putAndInsertUint16(DCM_Columns, columns);
  ds->putAndInsertUint16(DCM_BitsAllocated, 16);
  ds->putAndInsertUint16(DCM_BitsStored, 12);
  ds->putAndInsertUint16(DCM_HighBit, 11);
  ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
  ds->putAndInsertString(DCM_NumberOfFrames, std::to_string(frames).c_str());
  OFString uid;
  ds->findAndGetOFString(DCM_SOPInstanceUID, uid);
  DcmFileFormat format(ds.get());
  check(format.saveFile(file.c_str(), EXS_LittleEndianExplicit, EET_ExplicitLength, EGL_withoutGL,
                        EPD_withoutPadding),
        "write header");

  // Pixel Data appended by hand: tag, "OW", reserved, 32-bit length, then the values.
  const std::uint64_t length = std::uint64_t{rows} * columns * frames * 2;
  if (length > 0xfffffffeULL) throw std::runtime_error("pixel data too large");
  std::ofstream out(file, std::ios::binary | std::ios::app);
  const unsigned char header[12] = {0xe0,
                                    0x7f,
                                    0x10,
                                    0x00,
                                    'O',
                                    'W',
                                    0,
                                    0,
                                    static_cast<unsigned char>(length & 0xff),
                                    static_cast<unsigned char>((length >> 8) & 0xff),
                                    static_cast<unsigned char>((length >> 16) & 0xff),
                                    static_cast<unsigned char>((length >> 24) & 0xff)};
  out.write(reinterpret_cast<const char*>(header), sizeof(header));
  std::vector<Uint16> chunk(std::size_t{1} << 20);
  std::uint64_t written = 0;
  std::uint64_t value = 0;
  while (written < length) {
    const std::uint64_t n = std::min<std::uint64_t>(chunk.size() * 2, length - written);
    for (std::size_t i = 0; i < n / 2; ++i) chunk[i] = static_cast<Uint16>((value++ * 31) & 0x0fff);
    out.write(reinterpret_cast<const char*>(chunk.data()), static_cast<std::streamsize>(n));
    written += n;
  }
  if (!out) throw std::runtime_error("cannot write " + file.string());
  return uid.c_str();
}

}  // namespace gateway::test
