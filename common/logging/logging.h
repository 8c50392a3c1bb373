#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace gateway::logging {

// The fixed set of named loggers. They exist from initLogging() on and are shared by every
// thread; spdlog loggers are thread-safe.
std::shared_ptr<spdlog::logger> supervisor();
std::shared_ptr<spdlog::logger> config();
std::shared_ptr<spdlog::logger> db();
std::shared_ptr<spdlog::logger> pacs();
std::shared_ptr<spdlog::logger> mwl();
std::shared_ptr<spdlog::logger> mpps();
std::shared_ptr<spdlog::logger> dcmtk();
std::shared_ptr<spdlog::logger> http();  // the operator's window (status page, API, metrics)

// Creates (or re-levels) every logger and routes DCMTK's own logging into the `dcmtk`
// logger. Call once, before any thread starts; tests may call it again.
// level: trace, debug, info, warn, error, critical, off.
void initLogging(const std::string& level);

// Adds a sink to every logger (tests capture log lines this way). Not thread-safe with
// respect to concurrent logging: call before services start.
void addSink(const spdlog::sink_ptr& sink);
void removeSink(const spdlog::sink_ptr& sink);

// Names the calling thread (shown in every log line, and in top/gdb). At most 15 chars.
void setThreadName(const std::string& name);

}  // namespace gateway::logging
