// Thumbnails of stored objects: DCMTK renders the emulator's MG image to a PNG of at most
// 256 px; what it cannot render gets the placeholder; the cache renders each file once.
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <fstream>

#include "services/window/thumbnail_cache.h"
#include "services/window/thumbnail_renderer.h"
#include "tests/support/emulator_fixtures.h"
#include "tests/support/temp_dir.h"

namespace gateway::window {
namespace {

struct PngSize {
  unsigned width = 0;
  unsigned height = 0;
};

// Width and height from the IHDR chunk, after checking the signature.
std::optional<PngSize> pngSize(const std::string& png) {
  static const std::string kSignature = "\x89PNG\r\n\x1a\n";
  if (png.size() < 24 || png.compare(0, 8, kSignature) != 0 || png.compare(12, 4, "IHDR") != 0) {
    return std::nullopt;
  }
  auto be32 = [&png](std::size_t at) {
    return (static_cast<unsigned>(static_cast<unsigned char>(png[at])) << 24) |
           (static_cast<unsigned>(static_cast<unsigned char>(png[at + 1])) << 16) |
           (static_cast<unsigned>(static_cast<unsigned char>(png[at + 2])) << 8) |
           static_cast<unsigned>(static_cast<unsigned char>(png[at + 3]));
  };
  return PngSize{be32(16), be32(20)};
}

std::filesystem::path writeMammogram(const std::filesystem::path& file) {
  auto images =
      emulator::buildScreeningImages(test::sampleScheduledStep(), test::sampleAcquisition());
  DcmFileFormat format(images.front().dataset.get());
  EXPECT_TRUE(format.saveFile(file.c_str(), EXS_LittleEndianExplicit).good());
  return file;
}

TEST(ThumbnailRenderer, RendersAMammogramToAPngOfAtMost256PixelsKeepingItsShape) {
  test::TempDir dir;
  const auto png = renderThumbnail(writeMammogram(dir / "lcc.dcm"), 256);
  ASSERT_TRUE(png);
  const auto size = pngSize(*png);
  ASSERT_TRUE(size);
  // The emulator's images are 256 wide and 320 high.
  EXPECT_EQ(size->height, 256u);
  EXPECT_EQ(size->width, 204u);
  const auto small = pngSize(*renderThumbnail(dir / "lcc.dcm", 64));
  EXPECT_EQ(small->height, 64u);
}

TEST(ThumbnailRenderer, GivesNothingForWhatItCannotRenderAndHasAPlaceholder) {
  test::TempDir dir;
  std::ofstream(dir / "junk.dcm") << "not a DICOM file at all";
  EXPECT_FALSE(renderThumbnail(dir / "junk.dcm", 256));
  EXPECT_FALSE(renderThumbnail(dir / "absent.dcm", 256));
  const auto placeholder = pngSize(placeholderPng());
  ASSERT_TRUE(placeholder);
  EXPECT_EQ(placeholder->width, 96u);
}

TEST(ThumbnailCache, RendersOnceBesideTheStoreAndServesThePlaceholderForBrokenFiles) {
  test::TempDir dir;
  const auto storage = dir / "storage";
  std::filesystem::create_directories(storage / "ab");
  writeMammogram(storage / "ab" / "image.dcm");
  std::ofstream(storage / "ab" / "junk.dcm") << "junk";
  EXPECT_EQ(thumbnailDirFor(storage), dir / "storage.thumbnails");
  EXPECT_EQ(thumbnailDirFor(dir.path() / "storage/"), dir / "storage.thumbnails");
  ThumbnailCache cache(storage, thumbnailDirFor(storage));
  pacs::StoredInstance row;
  row.storage_path = "ab/image.dcm";
  row.storage_hash = std::string(64, 'a');
  const auto first = cache.get(row);
  EXPECT_FALSE(first.placeholder);
  EXPECT_FALSE(first.cached);
  const auto second = cache.get(row);
  EXPECT_TRUE(second.cached);
  EXPECT_EQ(second.png, first.png);
  EXPECT_EQ(cache.renders(), 1);
  EXPECT_TRUE(std::filesystem::exists(dir / "storage.thumbnails" / "aa" /
                                      (std::string(64, 'a') + "-256.png")));
  pacs::StoredInstance junk = row;
  junk.storage_path = "ab/junk.dcm";
  junk.storage_hash = std::string(64, 'b');
  const auto broken = cache.get(junk);
  EXPECT_TRUE(broken.placeholder);
  EXPECT_EQ(broken.png, placeholderPng());
  EXPECT_FALSE(cache.get(junk).cached);  // a placeholder is not cached
}

TEST(ThumbnailCache, NeverRendersMoreThanItsLimitAtOnce) {
  test::TempDir dir;
  // No slot at all: every request waits its (short) time, then gets the placeholder, busy.
  ThumbnailCache cache(dir.path(), dir / "thumbs", 256, 0, std::chrono::milliseconds(20));
  pacs::StoredInstance row;
  row.storage_path = "x.dcm";
  row.storage_hash = std::string(64, 'c');
  const auto result = cache.get(row);
  EXPECT_TRUE(result.busy);
  EXPECT_TRUE(result.placeholder);
  EXPECT_EQ(cache.renders(), 0);
}

}  // namespace
}  // namespace gateway::window
