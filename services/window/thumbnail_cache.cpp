#include "services/window/thumbnail_cache.h"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "services/window/thumbnail_renderer.h"

namespace gateway::window {
namespace {

std::optional<std::string> readFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// A plain write then rename: a crash leaves a stray .tmp, never a half thumbnail under its
// name. Not fsynced: a thumbnail lost with power is rendered again.
void writeAtomically(const std::filesystem::path& file, const std::string& bytes) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  const auto tmp =
      file.parent_path() / (file.filename().string() + "." + std::to_string(::getpid()) + "." +
                            std::to_string(reinterpret_cast<std::uintptr_t>(&bytes)) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return;
    }
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

}  // namespace

std::filesystem::path thumbnailDirFor(const std::filesystem::path& storage_path) {
  std::filesystem::path store = storage_path.lexically_normal();
  if (store.filename().empty()) store = store.parent_path();
  return store.parent_path() / (store.filename().string() + ".thumbnails");
}

ThumbnailCache::ThumbnailCache(std::filesystem::path storage_root, std::filesystem::path cache_dir,
                               unsigned max_px, int max_concurrent, std::chrono::milliseconds wait)
    : storage_root_(std::move(storage_root)),
      cache_dir_(std::move(cache_dir)),
      max_px_(max_px),
      max_concurrent_(max_concurrent),
      wait_(wait) {}

bool ThumbnailCache::acquire() {
  std::unique_lock lock(mutex_);
  if (!slot_free_.wait_for(lock, wait_, [this] { return rendering_ < max_concurrent_; })) {
    return false;
  }
  ++rendering_;
  return true;
}

void ThumbnailCache::release() {
  {
    std::lock_guard lock(mutex_);
    --rendering_;
    ++renders_;
  }
  slot_free_.notify_one();
}

int ThumbnailCache::renders() const {
  std::lock_guard lock(mutex_);
  return renders_;
}

ThumbnailCache::Result ThumbnailCache::get(const pacs::StoredInstance& instance) {
  Result result;
  const std::string& hash = instance.storage_hash;
  const bool named =
      hash.size() >= 16 && hash.find_first_not_of("0123456789abcdef") == std::string::npos;
  const auto cached =
      named ? cache_dir_ / hash.substr(0, 2) / (hash + "-" + std::to_string(max_px_) + ".png")
            : std::filesystem::path();
  if (named) {
    if (auto bytes = readFile(cached)) {
      result.png = std::move(*bytes);
      result.cached = true;
      return result;
    }
  }
  if (!acquire()) {
    result.png = placeholderPng();
    result.placeholder = true;
    result.busy = true;
    return result;
  }
  std::optional<std::string> png;
  if (instance.status == "STORED" && !instance.storage_path.empty()) {
    png = renderThumbnail(storage_root_ / instance.storage_path, max_px_);
  }
  release();
  if (!png) {
    // Not cached: the file may be readable later (a MISSING row restored, decoders added).
    result.png = placeholderPng();
    result.placeholder = true;
    return result;
  }
  if (named) writeAtomically(cached, *png);
  result.png = std::move(*png);
  return result;
}

}  // namespace gateway::window
