#include "common/logging/logging.h"

#include <pthread.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <array>
#include <mutex>

#include "common/logging/dcmtk_log_bridge.h"

namespace gateway::logging {
namespace {

constexpr std::array<const char*, 8> kLoggerNames = {"supervisor", "config", "db",    "pacs",
                                                     "mwl",        "mpps",   "dcmtk", "http"};

// Prints the OS thread name (pacs-w3, mwl-accept, ...) that setThreadName gave.
class ThreadNameFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    char name[16] = {0};
    if (pthread_getname_np(pthread_self(), name, sizeof(name)) != 0) name[0] = '\0';
    dest.append(name, name + std::char_traits<char>::length(name));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<ThreadNameFlag>();
  }
};

std::unique_ptr<spdlog::formatter> makeFormatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<ThreadNameFlag>('N').set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l [%n] [%N] %v");
  return formatter;
}

std::shared_ptr<spdlog::logger> named(const char* name) {
  auto logger = spdlog::get(name);
  if (!logger) {
    // Used before initLogging (a unit test of a module): log to stderr at info.
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    logger = spdlog::get(name);
    if (!logger) {
      auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
      sink->set_formatter(makeFormatter());
      logger = std::make_shared<spdlog::logger>(name, sink);
      spdlog::register_logger(logger);
    }
  }
  return logger;
}

}  // namespace

std::shared_ptr<spdlog::logger> supervisor() { return named("supervisor"); }
std::shared_ptr<spdlog::logger> config() { return named("config"); }
std::shared_ptr<spdlog::logger> db() { return named("db"); }
std::shared_ptr<spdlog::logger> pacs() { return named("pacs"); }
std::shared_ptr<spdlog::logger> http() { return named("http"); }
std::shared_ptr<spdlog::logger> mwl() { return named("mwl"); }
std::shared_ptr<spdlog::logger> mpps() { return named("mpps"); }
std::shared_ptr<spdlog::logger> dcmtk() { return named("dcmtk"); }

void initLogging(const std::string& level) {
  const auto spd_level = spdlog::level::from_str(level);
  for (const char* name : kLoggerNames) {
    auto logger = named(name);
    logger->set_level(spd_level);
    logger->set_formatter(makeFormatter());
    // Warnings and errors reach the log even if the process dies right after.
    logger->flush_on(spdlog::level::warn);
  }
  routeDcmtkLogging(level);
}

void addSink(const spdlog::sink_ptr& sink) {
  for (const char* name : kLoggerNames) named(name)->sinks().push_back(sink);
}

void removeSink(const spdlog::sink_ptr& sink) {
  for (const char* name : kLoggerNames) {
    auto& sinks = named(name)->sinks();
    std::erase(sinks, sink);
  }
}

void setThreadName(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace gateway::logging
