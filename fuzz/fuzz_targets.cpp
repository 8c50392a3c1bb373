#include "fuzz/fuzz_targets.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "common/dicom/dataset_scanner.h"
#include "common/dicom/incoming_dataset.h"
#include "common/matching/query_charset.h"
#include "services/mwl/mpps_processor.h"
#include "services/mwl/worklist_feed.h"
#include "services/mwl/worklist_import.h"
#include "services/mwl/worklist_lifecycle.h"
#include "services/mwl/worklist_query.h"
#include "services/mwl/worklist_response.h"
#include "services/mwl/worklist_store.h"
#include "services/mwl/worklist_validation.h"

namespace gateway::fuzz {
namespace {

constexpr std::size_t kMaxDepth = 64;

// The pre-scan as the edge runs it; true when the dataset may go to DCMTK.
bool scanned(dicom::DatasetEncoding encoding, const std::uint8_t* data, std::size_t size,
             std::size_t chunk) {
  dicom::DatasetScanner scanner(encoding, kMaxDepth, 1U << 20);
  for (std::size_t at = 0; at < size; at += chunk) {
    if (!scanner.feed(data + at, std::min(chunk, size - at))) return false;
  }
  return scanner.finish();
}

std::unique_ptr<DcmDataset> parsed(const std::uint8_t* data, std::size_t size, const char* xfer) {
  try {
    return dicom::parseReceivedDataset(std::vector<std::uint8_t>(data, data + size), xfer);
  } catch (const std::exception&) {
    return nullptr;
  }
}

mwl::WorklistItem sampleItem() {
  mwl::WorklistItem item;
  item.accession_number = "ACC1";
  item.patient_id = "PID1";
  item.patient_name = "MÜLLER^JÜRGEN";
  item.patient_birth_date = "19700101";
  item.patient_sex = "F";
  item.scheduled_date = "20261128";
  item.scheduled_time = "093000";
  item.modality = "MG";
  item.scheduled_station_aet = "MAMMO1";
  item.study_description = "Screening mammography";
  (void)mwl::validateAndComplete(item);
  return item;
}

}  // namespace

int datasetScanner(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const dicom::DatasetEncoding kEncodings[] = {dicom::DatasetEncoding::kExplicitLittle,
                                                      dicom::DatasetEncoding::kImplicitLittle,
                                                      dicom::DatasetEncoding::kExplicitBig};
  static const char* const kXfer[] = {"1.2.840.10008.1.2.1", "1.2.840.10008.1.2",
                                      "1.2.840.10008.1.2.2"};
  const std::size_t which = data[0] % 3;
  const std::size_t chunk = 1 + (data[0] >> 2);
  ++data;
  --size;
  if (!scanned(kEncodings[which], data, size, chunk)) return 0;
  auto dataset = parsed(data, size, kXfer[which]);
  if (!dataset) return 0;
  DcmDataset copy(*dataset);  // copy and write recurse as deep as the data
  std::vector<std::uint8_t> out(size * 2 + 1024);
  DcmOutputBufferStream stream(out.data(), static_cast<offile_off_t>(out.size()));
  copy.transferInit();
  (void)copy.write(stream, EXS_LittleEndianExplicit, EET_UndefinedLength, nullptr);
  copy.transferEnd();
  return 0;
}

int worklistQuery(const std::uint8_t* data, std::size_t size) {
  static const mwl::WorklistItem item = sampleItem();
  if (!scanned(dicom::DatasetEncoding::kExplicitLittle, data, size, 4096)) return 0;
  auto identifier = parsed(data, size, "1.2.840.10008.1.2.1");
  if (!identifier) return 0;
  OFString declared;
  identifier->findAndGetOFStringArray(DCM_SpecificCharacterSet, declared);
  if (identifier->convertToUTF8().bad()) return 0;
  for (const bool as_station : {false, true}) {
    mwl::ParsedQuery query = mwl::parseWorklistQuery(*identifier, "MAMMO1", as_station);
    if (!query.query) continue;
    (void)query.query->prefilter();
    if (query.query->matches(item)) {
      auto reply = mwl::buildWorklistResponse(*identifier, item);
      match::encodeReply(*reply, declared.c_str(), "ISO_IR 192");
      match::encodeReply(*reply, declared.c_str(), "ISO_IR 100");
    }
  }
  return 0;
}

int mppsDataset(const std::uint8_t* data, std::size_t size) {
  // One database for the whole run, in the temp folder.
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("gateway-fuzz-mpps-" + std::to_string(::getpid()) + ".db");
  static mwl::WorklistStore store(path);
  static mwl::WorklistLifecycle lifecycle(store);
  static mwl::MppsProcessor processor(store, lifecycle);
  static bool seeded = [] {
    mwl::WorklistFeed(store).add(sampleItem(), mwl::StudyUid::kGiven, true);
    return true;
  }();
  (void)seeded;
  if (!scanned(dicom::DatasetEncoding::kExplicitLittle, data, size, 4096)) return 0;
  auto dataset = parsed(data, size, "1.2.840.10008.1.2.1");
  if (!dataset) return 0;
  static unsigned counter = 0;
  const std::string uid = "1.2.826.0.1.3680043.9.7433.77." + std::to_string(++counter);
  try {
    (void)processor.create(uid, *dataset, "FUZZ");
    (void)processor.set(uid, *dataset, "FUZZ");
  } catch (const std::exception&) {
    // Database errors are answered with 0x0110 by the edge: allowed, not a crash.
  }
  return 0;
}

int worklistImport(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const mwl::ImportFormat kFormats[] = {mwl::ImportFormat::kCsv, mwl::ImportFormat::kYaml,
                                               mwl::ImportFormat::kJson};
  const auto format = kFormats[data[0] % 3];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto import = mwl::prepareWorklistImport(text, format);
  for (const auto& error : import.errors) (void)error.toString();
  return 0;
}

}  // namespace gateway::fuzz
