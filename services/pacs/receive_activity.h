#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace gateway::pacs {

// Whether modalities are sending right now: each C-STORE being received holds a Scope.
// Forwarding asks it and waits for a quiet moment, so receiving keeps the disk and the CPU
// (ADR 0019: a backlog draining never slows C-STORE from the modalities). Lock-free.
class ReceiveActivity {
 public:
  class Scope {
   public:
    explicit Scope(ReceiveActivity& activity) : activity_(activity) { ++activity_.active_; }
    ~Scope() {
      activity_.last_end_ns_.store(nowNs(), std::memory_order_relaxed);
      --activity_.active_;
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    ReceiveActivity& activity_;
  };

  // True when nothing is being received and nothing ended within `quiet`.
  bool quietFor(std::chrono::milliseconds quiet) const {
    if (active_.load() > 0) return false;
    const auto since = nowNs() - last_end_ns_.load(std::memory_order_relaxed);
    return since >= std::chrono::duration_cast<std::chrono::nanoseconds>(quiet).count();
  }

 private:
  static std::int64_t nowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  std::atomic<int> active_{0};
  std::atomic<std::int64_t> last_end_ns_{0};
};

}  // namespace gateway::pacs
