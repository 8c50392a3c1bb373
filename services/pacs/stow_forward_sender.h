#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "services/pacs/forward_sender.h"

namespace gateway::pacs {

struct StowTarget {
  std::string url;                // the studies endpoint
  std::string token;              // bearer token; empty: none. Never logged, never in an outcome
  std::filesystem::path ca_file;  // empty: the system's CA bundle
  std::chrono::seconds connect_timeout{10};
  // A transfer making less than 1 KiB/s progress for this long is abandoned (a stalled peer).
  std::chrono::seconds stall_timeout{60};
};

// Forwards over DICOMweb STOW-RS (libcurl): one POST per instance, multipart/related with
// the stored file as its one application/dicom part, streamed from disk (memory stays flat
// whatever the object's size); the connection is kept alive between requests. HTTPS
// verifies the server's certificate (against `ca_file` when given).
class StowForwardSender : public ForwardSender {
 public:
  explicit StowForwardSender(StowTarget target);
  ~StowForwardSender() override;
  StowForwardSender(const StowForwardSender&) = delete;
  StowForwardSender& operator=(const StowForwardSender&) = delete;

  SendOutcome prepare(const std::vector<ForwardItem>&) override {
    return {ForwardDisposition::kSent, ""};
  }
  SendOutcome send(const ForwardItem& item, const std::filesystem::path& file) override;
  void idle() override;

 private:
  StowTarget target_;
  void* curl_ = nullptr;  // CURL*, created on first use
};

// libcurl's process-wide initialisation, once, before any worker starts.
void initialiseHttpClientLibrary();

}  // namespace gateway::pacs
