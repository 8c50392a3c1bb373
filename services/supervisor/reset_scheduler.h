#pragma once

#include <chrono>
#include <condition_variable>
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
  ResetScheduler(const config::MwlSettings& settings, mwl::WorklistStore& store);
  ~ResetScheduler();
  void start();
  void stop();

 private:
  void run();

  const config::MwlSettings& settings_;
  mwl::WorklistStore& store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gateway::supervisor
