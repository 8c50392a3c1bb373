#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace gateway::test {

// The Debian package's Orthanc on free ports with a temp configuration, for end-to-end tests
// that drive it over its REST API; stopped (SIGTERM, bounded, then SIGKILL) on destruction.
// Every wait is bounded.
class OrthancProcess {
 public:
  struct Options {
    std::string aet = "ORTHANC_E2E";
    std::uint16_t dicom_port = 0;  // 0: a free port
    // Orthanc's "DicomModalities": symbolic name -> [AET, host, port].
    nlohmann::json modalities = nlohmann::json::object();
    // Loads the DICOMweb plugin (package orthanc-dicomweb) at /dicom-web/: a STOW-RS target.
    bool dicomweb = false;
    // HTTP basic-auth users, name -> password; non-empty turns authentication on (anything
    // else, a bearer token included, gets 401). The REST calls here use the first user.
    nlohmann::json users = nlohmann::json::object();
  };

  OrthancProcess(const std::filesystem::path& dir, Options options);
  ~OrthancProcess();
  OrthancProcess(const OrthancProcess&) = delete;
  OrthancProcess& operator=(const OrthancProcess&) = delete;

  // Polls GET /system until Orthanc answers, at most `limit`.
  bool waitReady(std::chrono::seconds limit);

  std::optional<nlohmann::json> get(const std::string& path);
  std::optional<nlohmann::json> post(const std::string& path, const nlohmann::json& body);
  // GET `path` into `file` (e.g. /instances/{id}/file); false on any error.
  bool download(const std::string& path, const std::filesystem::path& file);
  std::string log() const;

  const std::string& aet() const { return options_.aet; }
  std::uint16_t dicomPort() const { return options_.dicom_port; }
  std::uint16_t httpPort() const { return http_port_; }
  // The DICOMweb plugin's STOW-RS endpoint (with Options::dicomweb).
  std::string stowUrl() const;

 private:
  bool curl(const std::string& method, const std::string& path, const std::string& body,
            const std::filesystem::path& out);
  std::optional<nlohmann::json> call(const std::string& method, const std::string& path,
                                     const std::string& body);

  Options options_;
  std::uint16_t http_port_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

}  // namespace gateway::test
