#include "services/window/thumbnail_renderer.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmimgle/dcmimage.h>
// The PNG plugin and the colour registration need DicomImage declared first.
#include <dcmtk/dcmimage/dipipng.h>
#include <dcmtk/dcmimage/diregist.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>

namespace gateway::window {
namespace {

constexpr unsigned kPlaceholderPx = 96;

// The PNG encoding of an image, into memory (open_memstream).
std::optional<std::string> encodePng(DicomImage& image) {
  char* data = nullptr;
  std::size_t size = 0;
  FILE* stream = ::open_memstream(&data, &size);
  if (stream == nullptr) return std::nullopt;
  DiPNGPlugin png;
  png.setBitsPerSample(8);
  int written = 0;
  {
    // DCMTK's PNG plugin stamps a tIME chunk with libpng's png_convert_from_time_t, which
    // calls gmtime() (one static buffer per process): two thumbnails encoded at once race
    // on it (ThreadSanitizer saw it). The encoding of a 256 px image is short; serialise it.
    static std::mutex encoding;
    const std::lock_guard lock(encoding);
    written = image.writePluginFormat(&png, stream, 0);
  }
  std::fclose(stream);
  std::optional<std::string> out;
  if (written != 0 && size > 0) out = std::string(data, size);
  std::free(data);
  return out;
}

std::optional<std::string> renderImage(DicomImage& image, unsigned max_px) {
  if (image.getStatus() != EIS_Normal) return std::nullopt;
  if (image.isMonochrome()) {
    if (image.getWindowCount() > 0) {
      image.setWindow(0);
    } else {
      image.setMinMaxWindow();
    }
  }
  const unsigned long width = image.getWidth();
  const unsigned long height = image.getHeight();
  if (width == 0 || height == 0) return std::nullopt;
  const unsigned long longer = std::max(width, height);
  if (longer <= max_px) return encodePng(image);
  const unsigned long scaled_width = std::max(1UL, width * max_px / longer);
  const unsigned long scaled_height = std::max(1UL, height * max_px / longer);
  std::unique_ptr<DicomImage> scaled(image.createScaledImage(scaled_width, scaled_height, 1, 0));
  if (!scaled || scaled->getStatus() != EIS_Normal) return std::nullopt;
  return encodePng(*scaled);
}

}  // namespace

void registerImageDecoders() {
  static std::once_flag once;
  std::call_once(once, [] {
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  });
}

std::optional<std::string> renderThumbnail(const std::filesystem::path& file, unsigned max_px) {
  registerImageDecoders();
  try {
    // Partial access: only the first frame's pixels are read (a tomosynthesis object may
    // hold gigabytes of them).
    DicomImage image(file.c_str(),
                     CIF_UsePartialAccessToPixelData | CIF_DecompressCompletePixelData, 0, 1);
    return renderImage(image, max_px);
  } catch (...) {  // DCMTK's image code does not throw, but a bad_alloc may
    return std::nullopt;
  }
}

const std::string& placeholderPng() {
  static const std::string png = [] {
    const unsigned n = kPlaceholderPx;
    std::vector<Uint8> pixels(static_cast<std::size_t>(n) * n, 70);
    for (unsigned i = 4; i + 4 < n; ++i) {  // a cross, two pixels wide
      const std::size_t row = static_cast<std::size_t>(i) * n;
      pixels[row + i] = pixels[row + i + 1] = 150;
      pixels[row + (n - 1 - i)] = pixels[row + (n - 2 - i)] = 150;
    }
    DcmDataset dataset;
    dataset.putAndInsertUint16(DCM_SamplesPerPixel, 1);
    dataset.putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
    dataset.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(n));
    dataset.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(n));
    dataset.putAndInsertUint16(DCM_BitsAllocated, 8);
    dataset.putAndInsertUint16(DCM_BitsStored, 8);
    dataset.putAndInsertUint16(DCM_HighBit, 7);
    dataset.putAndInsertUint16(DCM_PixelRepresentation, 0);
    dataset.putAndInsertUint8Array(DCM_PixelData, pixels.data(),
                                   static_cast<unsigned long>(pixels.size()));
    DicomImage image(&dataset, EXS_LittleEndianExplicit);
    image.setNoVoiTransformation();
    return encodePng(image).value_or(std::string());
  }();
  return png;
}

}  // namespace gateway::window
