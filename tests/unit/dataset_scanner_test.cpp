#include "common/dicom/dataset_scanner.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include "tests/support/raw_association.h"

namespace gateway::test {
namespace {

using dicom::DatasetEncoding;
using dicom::DatasetScanner;
using Failure = DatasetScanner::Failure;

constexpr std::uint64_t kNoCap = UINT64_MAX;

// Feeds `bytes` in chunks of `chunk` (1 = byte by byte) and finishes.
DatasetScanner scan(const Bytes& bytes, DatasetEncoding encoding = DatasetEncoding::kExplicitLittle,
                    std::size_t max_depth = 64, std::size_t chunk = 4096,
                    std::uint64_t max_bytes = kNoCap) {
  DatasetScanner scanner(encoding, max_depth, max_bytes);
  for (std::size_t at = 0; at < bytes.size() && !scanner.failed(); at += chunk) {
    scanner.feed(bytes.data() + at, std::min(chunk, bytes.size() - at));
  }
  if (!scanner.failed()) scanner.finish();
  return scanner;
}

// A realistic object: strings, a nested code sequence, pixel data; as DCMTK writes it.
std::unique_ptr<DcmDataset> realisticObject() {
  auto ds = std::make_unique<DcmDataset>();
  ds->putAndInsertString(DCM_SOPClassUID, UID_DigitalMammographyXRayImageStorageForPresentation);
  ds->putAndInsertString(DCM_SOPInstanceUID, "1.2.3.4.5");
  ds->putAndInsertString(DCM_PatientName, "DOE^JANE");
  DcmItem* view = nullptr;
  ds->findOrCreateSequenceItem(DCM_ViewCodeSequence, view, -2);
  view->putAndInsertString(DCM_CodeValue, "399162004");
  DcmItem* modifier = nullptr;
  view->findOrCreateSequenceItem(DCM_ViewModifierCodeSequence, modifier, -2);
  modifier->putAndInsertString(DCM_CodeValue, "R-102D6");
  ds->putAndInsertUint16(DCM_Rows, 4);
  ds->putAndInsertUint16(DCM_Columns, 4);
  const Uint16 pixels[16] = {0};
  ds->putAndInsertUint16Array(DCM_PixelData, pixels, 16);
  return ds;
}

TEST(DatasetScanner, AcceptsRealDatasetsInEveryEncodingAndChunking) {
  auto ds = realisticObject();
  for (const E_TransferSyntax xfer :
       {EXS_LittleEndianExplicit, EXS_LittleEndianImplicit, EXS_BigEndianExplicit}) {
    const Bytes bytes = encodeDataset(*ds, xfer);
    const auto encoding = xfer == EXS_LittleEndianImplicit ? DatasetEncoding::kImplicitLittle
                          : xfer == EXS_BigEndianExplicit  ? DatasetEncoding::kExplicitBig
                                                           : DatasetEncoding::kExplicitLittle;
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{65536}}) {
      const auto scanner = scan(bytes, encoding, 64, chunk);
      EXPECT_FALSE(scanner.failed()) << xfer << " chunk " << chunk << ": " << scanner.error();
      EXPECT_EQ(scanner.bytesScanned(), bytes.size());
      EXPECT_EQ(scanner.deepestNesting(), 2u);
    }
  }
}

TEST(DatasetScanner, AcceptsUndefinedLengthSequencesAndEncapsulatedPixelData) {
  // Undefined-length SQ and items, written by hand as many modalities send them.
  Bytes bytes = nestedSequences(explicitElement(0x0008, 0x0018, "UI", "1.2.3"), 3);
  // Encapsulated pixel data: offset table item, one fragment, sequence delimiter.
  bytes = append(bytes, explicitLongHeader(0x7FE0, 0x0010, "OB", 0xFFFFFFFF));
  bytes = append(bytes, {0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0});
  bytes = append(bytes, {0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 1, 2, 3, 4});
  bytes = append(bytes, {0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0});
  const auto scanner = scan(bytes, DatasetEncoding::kExplicitLittle, 64, 3);
  EXPECT_FALSE(scanner.failed()) << scanner.error();
  EXPECT_EQ(scanner.deepestNesting(), 3u);
}

TEST(DatasetScanner, RefusesNestingDeeperThanTheLimitWithoutRecursing) {
  const Bytes deep = nestedSequences({}, 10000);
  const auto scanner = scan(deep);
  ASSERT_TRUE(scanner.failed());
  EXPECT_EQ(scanner.failure(), Failure::kTooDeep);
  EXPECT_EQ(scanner.error(), "nested deeper than 64 levels at (0040,A730)");
  // Exactly at the limit is fine; one more is not.
  EXPECT_FALSE(scan(nestedSequences({}, 64)).failed());
  EXPECT_TRUE(scan(nestedSequences({}, 65)).failed());
  EXPECT_TRUE(scan(nestedSequences({}, 9), DatasetEncoding::kExplicitLittle, 8).failed());
}

TEST(DatasetScanner, CountsImplicitVrSequencesFromTheDictionaryAndPrivateOnesByTheirItems) {
  // Implicit VR: (0040,A730) is SQ in the dictionary, undefined length or not.
  EXPECT_TRUE(scan(nestedSequences({}, 100, 0x0040, 0xA730, true), DatasetEncoding::kImplicitLittle)
                  .failed());
  // Private tags of undefined length are sequences for DCMTK: counted.
  EXPECT_TRUE(scan(nestedSequences({}, 100, 0x0009, 0x1010, true), DatasetEncoding::kImplicitLittle)
                  .failed());
  // A defined-length private element whose value is items: DCMTK's private dictionary may
  // know it as SQ, so it counts as one.
  Bytes inner = {0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0};
  Bytes element = {0x09, 0x00, 0x10, 0x10};
  const auto length = static_cast<std::uint8_t>(inner.size());
  element = append(element, {length, 0, 0, 0});
  element = append(element, inner);
  const auto scanner = scan(element, DatasetEncoding::kImplicitLittle);
  EXPECT_FALSE(scanner.failed()) << scanner.error();
  EXPECT_EQ(scanner.deepestNesting(), 1u);
  // ... while one that holds plain bytes is skipped.
  Bytes plain = {0x09, 0x00, 0x10, 0x10, 8, 0, 0, 0, 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'};
  EXPECT_FALSE(scan(plain, DatasetEncoding::kImplicitLittle).failed());
}

TEST(DatasetScanner, UndefinedLengthUnknownVrIsAnImplicitSequence) {
  // CP-246: (0040,A730) UN of undefined length holds implicit VR little endian items.
  Bytes bytes = explicitLongHeader(0x0040, 0xA730, "UN", 0xFFFFFFFF);
  bytes = append(bytes, {0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF});
  bytes = append(bytes, {0x10, 0x00, 0x10, 0x00, 4, 0, 0, 0, 'D', 'O', 'E', ' '});  // implicit
  bytes = append(bytes, {0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0});
  const auto scanner = scan(bytes);
  EXPECT_FALSE(scanner.failed()) << scanner.error();
  EXPECT_EQ(scanner.deepestNesting(), 1u);
}

TEST(DatasetScanner, RefusesTruncatedDatasetsSayingWhere) {
  Bytes pixels = explicitLongHeader(0x7FE0, 0x0010, "OW", 1048576);
  pixels.resize(pixels.size() + 1000, 0);
  const auto truncated = scan(pixels);
  EXPECT_EQ(truncated.failure(), Failure::kTruncated);
  EXPECT_EQ(truncated.error(), "truncated in (7FE0,0010): 1048576 bytes declared, 1000 present");

  Bytes open_sequence = nestedSequences({}, 2);
  open_sequence.resize(open_sequence.size() - 8);  // the outer sequence delimiter is missing
  EXPECT_EQ(scan(open_sequence).error(), "truncated: sequence (0040,A730) not closed");

  Bytes half_header = explicitElement(0x0010, 0x0010, "PN", "DOE");
  half_header = append(half_header, {0x10, 0x00, 0x20});
  EXPECT_EQ(scan(half_header).failure(), Failure::kTruncated);
}

TEST(DatasetScanner, RefusesBrokenStructure) {
  // An item at the top level.
  EXPECT_EQ(scan({0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0}).failure(), Failure::kMalformed);
  // A stray sequence delimiter.
  EXPECT_EQ(scan({0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0}).failure(), Failure::kMalformed);
  // An element where an item belongs.
  Bytes bad_item = explicitLongHeader(0x0040, 0xA730, "SQ", 0xFFFFFFFF);
  bad_item = append(bad_item, explicitElement(0x0010, 0x0010, "PN", "X"));
  EXPECT_NE(scan(bad_item).error().find("where an item of (0040,A730) belongs"), std::string::npos);
  // A value longer than its defined-length item.
  Bytes overlong = explicitLongHeader(0x0040, 0xA730, "SQ", 16);
  overlong = append(overlong, {0xFE, 0xFF, 0x00, 0xE0, 8, 0, 0, 0});
  overlong = append(overlong, explicitElement(0x0010, 0x0010, "PN", "LONGER^THAN^EIGHT"));
  EXPECT_NE(scan(overlong).error().find("exceeds its item"), std::string::npos);
  // Undefined length on a VR that cannot have it.
  EXPECT_EQ(scan(explicitLongHeader(0x0010, 0x4000, "UT", 0xFFFFFFFF)).failure(),
            Failure::kMalformed);
}

TEST(DatasetScanner, RefusesADeclaredLengthPastTheCapBeforeAnythingArrives) {
  DatasetScanner scanner(DatasetEncoding::kImplicitLittle, 64, 256 * 1024, "MWL_MAX_QUERY_SIZE");
  const Bytes header = {0x10, 0x00, 0x10, 0x00, 0xF0, 0xFF, 0xFF, 0xFF};  // 0xFFFFFFF0 bytes
  EXPECT_FALSE(scanner.feed(header.data(), header.size()));
  EXPECT_EQ(scanner.failure(), Failure::kTooLarge);
  EXPECT_EQ(scanner.error(),
            "(0010,0010) larger than MWL_MAX_QUERY_SIZE: 4294967280 bytes declared")
      << scanner.error();
}

TEST(DatasetScanner, ReadsLengthsExactlyAsDcmtkDoesForOddVrs) {
  // "px" is a VR DCMTK knows (internally, for pixel data) with a 4-byte length: a peer that
  // writes it gets its 4 GB length read as such, and refused, not DCMTK's 4 GB allocation.
  Bytes px = {0x40, 0x00, 0x00, 0xE0, 'p', 'x', 0x00, 0x00, 0x10, 0xAD, 0xAE, 0xFF};
  EXPECT_EQ(scan(px, DatasetEncoding::kExplicitLittle, 64, 4096, 1U << 20).failure(),
            Failure::kTooLarge);
  // "na" (the VR of delimiters): DCMTK reads a 4-byte length right after it.
  Bytes na = {0x10, 0x00, 0x10, 0x00, 'n', 'a', 4, 0, 0, 0, 'A', 'B', 'C', 'D'};
  EXPECT_FALSE(scan(na).failed()) << scan(na).error();
  // Lower-case pairs DCMTK does not know: a 2-byte length.
  Bytes unknown = {0x10, 0x00, 0x10, 0x00, 'q', 'q', 2, 0, 'A', 'B'};
  EXPECT_FALSE(scan(unknown).failed());
  // Upper-case pairs it does not know are "future" VRs: reserved bytes and a 4-byte length.
  Bytes future = {0x10, 0x00, 0x10, 0x00, 'Z', 'Z', 0, 0, 2, 0, 0, 0, 'A', 'B'};
  EXPECT_FALSE(scan(future).failed());
}

TEST(DatasetScanner, UndefinedLengthPixelDataOfUnknownVrIsASequenceAsForDcmtk) {
  // (7FE0,0010) with an unknown VR and undefined length: DCMTK reads an implicit VR sequence,
  // not encapsulated fragments; a fragment's bytes are then element headers to it. The
  // pre-scan must see the same structure, or DCMTK may meet a length the pre-scan never saw.
  Bytes bytes = explicitLongHeader(0x7FE0, 0x0010, "MB", 0xFFFFFFFF);
  bytes = append(bytes, {0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 0xFF, 0xD8, 0xFF, 0xD9});
  bytes = append(bytes, {0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0});
  const auto scanner = scan(bytes);
  EXPECT_TRUE(scanner.failed());
  EXPECT_NE(scanner.error().find("crosses the end of its item"), std::string::npos)
      << scanner.error();
}

TEST(DatasetScanner, EmptyDatasetIsFine) { EXPECT_FALSE(scan({}).failed()); }

}  // namespace
}  // namespace gateway::test
