#include "common/logging/dcmtk_log_bridge.h"

#include <dcmtk/oflog/appender.h>
#include <dcmtk/oflog/logger.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/oflog/spi/logevent.h>

#include "common/logging/logging.h"
#include "common/logging/peer_text.h"

namespace gateway::logging {
namespace {

namespace l4c = dcmtk::log4cplus;

class SpdlogAppender : public l4c::Appender {
 public:
  SpdlogAppender() = default;
  ~SpdlogAppender() override { destructorImpl(); }
  void close() override {}

 protected:
  void append(const l4c::spi::InternalLoggingEvent& event) override {
    const l4c::LogLevel level = event.getLogLevel();
    spdlog::level::level_enum ours = spdlog::level::trace;
    if (level >= l4c::FATAL_LOG_LEVEL) {
      ours = spdlog::level::critical;
    } else if (level >= l4c::ERROR_LOG_LEVEL) {
      ours = spdlog::level::err;
    } else if (level >= l4c::WARN_LOG_LEVEL) {
      ours = spdlog::level::warn;
    } else if (level >= l4c::INFO_LOG_LEVEL) {
      ours = spdlog::level::info;
    } else if (level >= l4c::DEBUG_LOG_LEVEL) {
      ours = spdlog::level::debug;
    }
    // DCMTK quotes what peers sent (tags, VRs, AE titles) in its messages.
    dcmtk()->log(ours, "{}", escaped(event.getMessage().c_str(), 2000));
  }
};

l4c::LogLevel dcmtkLevelFor(const std::string& our_level) {
  if (our_level == "trace") return l4c::DEBUG_LOG_LEVEL;
  if (our_level == "debug") return l4c::INFO_LOG_LEVEL;
  if (our_level == "info" || our_level == "warn") return l4c::WARN_LOG_LEVEL;
  if (our_level == "error") return l4c::ERROR_LOG_LEVEL;
  return l4c::FATAL_LOG_LEVEL;
}

}  // namespace

void routeDcmtkLogging(const std::string& our_level) {
  l4c::Logger root = l4c::Logger::getRoot();
  root.removeAllAppenders();
  root.addAppender(l4c::SharedAppenderPtr(new SpdlogAppender()));
  root.setLogLevel(dcmtkLevelFor(our_level));
  // dcmdata warns about every quirk it meets while parsing (and about stopping at Pixel
  // Data, which we ask for on every stored object); at info and above those are noise.
  l4c::Logger::getInstance("dcmtk.dcmdata")
      .setLogLevel(our_level == "trace" || our_level == "debug" ? l4c::INFO_LOG_LEVEL
                                                                : l4c::ERROR_LOG_LEVEL);
}

}  // namespace gateway::logging
