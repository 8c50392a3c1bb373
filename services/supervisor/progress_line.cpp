#include "services/supervisor/progress_line.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <iostream>
#include <iterator>

namespace gateway::supervisor {

ProgressLine::ProgressLine(std::ostream& out, bool enabled, std::string label, Unit unit,
                           std::string noun, Clock clock, std::size_t width)
    : out_(out),
      enabled_(enabled),
      label_(std::move(label)),
      unit_(unit),
      noun_(std::move(noun)),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
      width_(width) {}

ProgressLine::~ProgressLine() { clear(); }

ProgressLine ProgressLine::onStderr(bool json, std::string label, Unit unit, std::string noun) {
  const bool terminal = !json && ::isatty(STDERR_FILENO) == 1;
  winsize size{};
  const bool known = terminal && ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0;
  return ProgressLine(std::cerr, terminal, std::move(label), unit, std::move(noun), {},
                      known ? size.ws_col : 0);
}

void ProgressLine::update(std::uint64_t done, std::uint64_t total, const std::string& prefix) {
  if (!enabled_) return;
  const auto now = clock_();
  if (!started_) {
    started_ = true;
    start_ = now;
  } else if (done < total && now - last_draw_ < kRedrawInterval) {
    return;
  }
  last_draw_ = now;
  drawn_ = true;
  // "\033[K" clears what a longer previous line left to the right.
  std::string line = text(done, total, prefix, now - start_);
  if (width_ > 1 && line.size() >= width_) line.resize(width_ - 1);  // the cursor's column too
  out_ << '\r' << line << "\033[K" << std::flush;
}

void ProgressLine::clear() {
  if (!drawn_) return;
  drawn_ = false;
  out_ << "\r\033[K" << std::flush;
}

std::string ProgressLine::amount(std::uint64_t value) const {
  return unit_ == Unit::kBytes ? formatBytes(value) : std::to_string(value);
}

std::string ProgressLine::text(std::uint64_t done, std::uint64_t total, const std::string& prefix,
                               std::chrono::steady_clock::duration elapsed) const {
  std::string line = label_ + ": " + prefix + amount(done) + "/" + amount(total);
  if (unit_ == Unit::kCount) line += " " + noun_;
  if (total > 0) line += " (" + std::to_string(done * 100 / total) + "%)";
  const double seconds = std::chrono::duration<double>(elapsed).count();
  // A rate needs some time behind it; the first updates would show noise.
  if (seconds >= 0.5 && done > 0) {
    const double rate = static_cast<double>(done) / seconds;
    line +=
        ", " +
        (unit_ == Unit::kBytes ? formatBytes(static_cast<std::uint64_t>(rate))
                               : std::to_string(static_cast<std::uint64_t>(rate)) + " " + noun_) +
        "/s";
    if (done < total) {
      const auto left = static_cast<std::int64_t>(static_cast<double>(total - done) / rate + 0.5);
      line += ", " + formatDuration(std::chrono::seconds(left)) + " left";
    }
  }
  return line;
}

std::string ProgressLine::formatBytes(std::uint64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string ProgressLine::formatDuration(std::chrono::seconds left) {
  const auto total = left.count() < 0 ? 0 : left.count();
  if (total < 60) return fmt::format("{}s", total);
  if (total < 3600) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{}h{:02}m", total / 3600, total / 60 % 60);
}

}  // namespace gateway::supervisor
