#include "common/logging/rate_limited_log.h"

namespace gateway::logging {
namespace {
constexpr const char* kOverflowKey = "(other keys)";
}

RateLimitedLog::RateLimitedLog(spdlog::logger& logger, std::chrono::seconds window,
                               std::size_t max_keys)
    : logger_(logger), window_(window), max_keys_(max_keys), now_([] { return Clock::now(); }) {}

RateLimitedLog::~RateLimitedLog() { flush(true); }

void RateLimitedLog::summarise(Entry& entry, Clock::time_point now) {
  if (entry.suppressed > 0) {
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(now - entry.window_start).count();
    logger_.log(entry.level, "suppressed {} repeats in the last {} s: {}", entry.suppressed,
                seconds, entry.line);
  }
  entry.suppressed = 0;
}

void RateLimitedLog::event(spdlog::level::level_enum level, const std::string& key,
                           const std::string& line) {
  const auto now = now_();
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= max_keys_) {
      it = entries_.try_emplace(kOverflowKey).first;
    } else {
      it = entries_.try_emplace(key).first;
      it->second.window_start = now - window_ - std::chrono::seconds(1);
    }
  }
  Entry& entry = it->second;
  if (now - entry.window_start >= window_) {
    summarise(entry, now);
    entry.window_start = now;
    logger_.log(level, "{}", line);
    return;
  }
  ++entry.suppressed;
  entry.level = level;
  entry.line = line;
}

void RateLimitedLog::flush(bool everything) {
  const auto now = now_();
  std::lock_guard lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    Entry& entry = it->second;
    if (everything || now - entry.window_start >= window_) {
      summarise(entry, now);
      // A quiet key is forgotten, so the table holds only the keys active lately.
      if (now - entry.window_start >= 2 * window_) {
        it = entries_.erase(it);
        continue;
      }
    }
    ++it;
  }
}

}  // namespace gateway::logging
