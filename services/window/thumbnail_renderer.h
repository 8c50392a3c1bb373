#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace gateway::window {

// Registers DCMTK's decoders (JPEG, JPEG-LS, RLE) once per process, so compressed stored
// objects render too. Thread-safe; rendering calls it itself.
void registerImageDecoders();

// The first frame of a stored DICOM object as an 8-bit PNG at most `max_px` on its longer
// side (never enlarged): grey scale windowed by the object's first VOI window, or by its
// min-max when it has none; colour as it is. nullopt when DCMTK cannot render it (no pixel
// data, an unsupported compression, a broken file). Reads only the first frame's pixels.
std::optional<std::string> renderThumbnail(const std::filesystem::path& file, unsigned max_px);

// A neutral grey PNG with a cross, `px` square, for what cannot be rendered.
const std::string& placeholderPng();

}  // namespace gateway::window
