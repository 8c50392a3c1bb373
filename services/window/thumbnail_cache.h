#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>

#include "services/pacs/instance_index.h"

namespace gateway::window {

// Where thumbnails are cached: beside the store, never in it ("<storage>.thumbnails"), so
// the store holds only what modalities sent and verify-storage never sees a thumbnail.
std::filesystem::path thumbnailDirFor(const std::filesystem::path& storage_path);

// Thumbnails of stored objects, rendered on first request and kept on disk, named by the
// stored file's SHA-256 (a replaced object gets a new one). At most `max_concurrent` are
// rendered at once; a request finding every slot busy waits up to `wait` for one.
// Thread-safe.
class ThumbnailCache {
 public:
  ThumbnailCache(std::filesystem::path storage_root, std::filesystem::path cache_dir,
                 unsigned max_px = 256, int max_concurrent = 2,
                 std::chrono::milliseconds wait = std::chrono::seconds(15));

  struct Result {
    std::string png;           // always a PNG (the placeholder when not rendered)
    bool placeholder = false;  // DCMTK could not render the object
    bool busy = false;         // every slot stayed busy: try again (png is the placeholder)
    bool cached = false;       // served from the cache
  };
  Result get(const pacs::StoredInstance& instance);

  // Renders performed so far (tests: a second request hits the cache).
  int renders() const;

 private:
  bool acquire();
  void release();

  std::filesystem::path storage_root_;
  std::filesystem::path cache_dir_;
  unsigned max_px_;
  int max_concurrent_;
  std::chrono::milliseconds wait_;
  mutable std::mutex mutex_;
  std::condition_variable slot_free_;
  int rendering_ = 0;
  int renders_ = 0;
};

}  // namespace gateway::window
