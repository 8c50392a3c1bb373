#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace gateway::supervisor {

// One progress line for long admin work (verify-storage, worklist import, the backup of
// worklist reset), rewritten in place with "\r" on a terminal:
//   verify-storage: 120/400 files, 1.2 GiB/3.9 GiB (31%), 210.4 MiB/s, 13s left
// Draws nothing when disabled (stderr is not a terminal, or the output is --json), so
// scripts and pipes see exactly the output they did before. Redraws at most every 200 ms.
// Not thread-safe: the thread doing the work calls it.
class ProgressLine {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  enum class Unit { kCount, kBytes };

  // `label` starts the line; `noun` names what is counted ("items"; unused for bytes).
  // `width`: the terminal's columns; a longer line is cut, since one that wraps could not
  // be rewritten in place (0: no limit).
  ProgressLine(std::ostream& out, bool enabled, std::string label, Unit unit, std::string noun,
               Clock clock = {}, std::size_t width = 0);
  // The line on stderr: enabled when it is a terminal and stdout is not --json.
  static ProgressLine onStderr(bool json, std::string label, Unit unit, std::string noun);
  ~ProgressLine();  // clear()
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // `done` of `total` so far; `prefix` goes before the counts ("12/40 files, "). The first
  // and the last (done == total) updates are always drawn, others at most every 200 ms.
  void update(std::uint64_t done, std::uint64_t total, const std::string& prefix = "");
  // Erases the line (if one was drawn), so what follows starts on a clean line.
  void clear();

  // The line's text (no "\r") for these counts after `elapsed` since the first update.
  std::string text(std::uint64_t done, std::uint64_t total, const std::string& prefix,
                   std::chrono::steady_clock::duration elapsed) const;
  static std::string formatBytes(std::uint64_t bytes);           // "512 B", "1.5 GiB"
  static std::string formatDuration(std::chrono::seconds left);  // "12s", "3m05s", "1h02m"

  static constexpr std::chrono::milliseconds kRedrawInterval{200};

 private:
  std::string amount(std::uint64_t value) const;

  std::ostream& out_;
  bool enabled_;
  std::string label_;
  Unit unit_;
  std::string noun_;
  Clock clock_;
  std::size_t width_;
  bool started_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace gateway::supervisor
