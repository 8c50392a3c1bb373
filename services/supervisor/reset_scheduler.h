#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/config/gateway_config.h"
#include "services/mwl/worklist_store.h"

namespace gateway::supervisor {

// Seconds from `now` (local time of day, in seconds) until the next HH:MM.
std::chrono::seconds untilNext(int now_seconds_of_day, int hour, int minute);

// Runs the daily worklist reset inside `serve` at MWL_RESET_AT, for hosts without cron (a
// plain container). One thread, "mwl-reset", sleeping on a condition variable so stop()
// wakes it at once.
class ResetScheduler {
 public:
  // `seconds_of_day` tells the local time of day; tests pass their own clock.
  using Clock = std::function<int()>;
  ResetScheduler(const config::MwlSettings& settings, mwl::WorklistStore& store,
                 Clock seconds_of_day = localSecondsOfDay);
  static int localSecondsOfDay();
  // Resets done so far.
  int resetsDoneForTest() const { return resets_done_.load(); }
  ~ResetScheduler();
  void start();
  void stop();

 private:
  void run();

  const config::MwlSettings& settings_;
  mwl::WorklistStore& store_;
  Clock seconds_of_day_;
  std::atomic<int> resets_done_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gateway::supervisor
