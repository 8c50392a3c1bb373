#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace gateway::logging {

// Events a peer can repeat as fast as it likes (a refused connection, a reconnect loop) must
// not flood the log: per key (event and peer address), the first event in each window is
// logged in full; the rest are counted, and one summary line reports them when the window
// ends ("suppressed 4812 repeats in the last 10 s: connection refused service=pacs
// peer=127.0.0.2 ..."). Thread-safe. Keys are bounded: past `max_keys` distinct keys, new ones
// share one overflow key, so a peer cycling source addresses cannot grow the table.
class RateLimitedLog {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimitedLog(spdlog::logger& logger,
                          std::chrono::seconds window = std::chrono::seconds(10),
                          std::size_t max_keys = 1024);
  ~RateLimitedLog();  // writes what is still pending
  RateLimitedLog(const RateLimitedLog&) = delete;
  RateLimitedLog& operator=(const RateLimitedLog&) = delete;

  // Logs `line` at `level`, or counts it when this key was logged within the window.
  void event(spdlog::level::level_enum level, const std::string& key, const std::string& line);
  // Writes the summary of every window that has ended (all of them with `everything`).
  void flush(bool everything = false);

  // Tests: the clock, so windows can end without waiting.
  void setClockForTest(std::function<Clock::time_point()> now) { now_ = std::move(now); }

 private:
  struct Entry {
    Clock::time_point window_start;
    std::uint64_t suppressed = 0;
    spdlog::level::level_enum level = spdlog::level::info;
    std::string line;  // the last line suppressed, for the summary
  };
  void summarise(Entry& entry, Clock::time_point now);

  spdlog::logger& logger_;
  std::chrono::seconds window_;
  std::size_t max_keys_;
  std::function<Clock::time_point()> now_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace gateway::logging
