#include "services/supervisor/reset_scheduler.h"

#include <cstdio>
#include <ctime>

#include "common/logging/logging.h"
#include "services/mwl/worklist_reset.h"

namespace gateway::supervisor {

std::chrono::seconds untilNext(int now_seconds_of_day, int hour, int minute) {
  const int target = hour * 3600 + minute * 60;
  int delta = target - now_seconds_of_day;
  if (delta <= 0) delta += 24 * 3600;
  return std::chrono::seconds(delta);
}

ResetScheduler::ResetScheduler(const config::MwlSettings& settings, mwl::WorklistStore& store,
                               Clock seconds_of_day)
    : settings_(settings), store_(store), seconds_of_day_(std::move(seconds_of_day)) {}

int ResetScheduler::localSecondsOfDay() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec;
}

ResetScheduler::~ResetScheduler() { stop(); }

void ResetScheduler::start() {
  if (settings_.reset_at.empty()) return;
  thread_ = std::thread([this] { run(); });
}

void ResetScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ResetScheduler::run() {
  logging::setThreadName("mwl-reset");
  unsigned hour = 0;
  unsigned minute = 0;
  std::sscanf(settings_.reset_at.c_str(), "%2u:%2u", &hour, &minute);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto wait =
        untilNext(seconds_of_day_(), static_cast<int>(hour), static_cast<int>(minute));
    logging::mwl()->info("daily reset scheduled at={} in_s={}", settings_.reset_at, wait.count());
    // Wall-clock deadline checked again after waking: a suspended host or a clock change
    // just moves the next reset, it never runs twice in a minute.
    if (wake_.wait_for(lock, wait, [this] { return stopping_; })) break;
    lock.unlock();
    try {
      mwl::ResetOptions options;
      options.backup_dir = settings_.effectiveBackupDir();
      options.keep_backups = settings_.backup_keep;
      const auto report = mwl::resetWorklist(store_, options);
      ++resets_done_;
      logging::mwl()->info("daily reset done backup={} items_removed={} steps_removed={} pruned={}",
                           report.backup_file.string(), report.items_removed, report.steps_removed,
                           report.pruned.size());
    } catch (const std::exception& e) {
      logging::mwl()->error("daily reset failed error=\"{}\" (worklist left as it was)", e.what());
    }
    lock.lock();
    // Never twice in the same minute.
    wake_.wait_for(lock, std::chrono::seconds(61), [this] { return stopping_; });
  }
}

}  // namespace gateway::supervisor
