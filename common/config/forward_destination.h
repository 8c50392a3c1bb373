#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace gateway::config {

// Where stored images are forwarded (ADR 0019): a DICOM C-STORE SCP (the central archive)
// or a DICOMweb STOW-RS endpoint (the screening service's cloud).
enum class ForwardType { kDicom, kStow };

struct ForwardDestination {
  std::string name;  // unique; the queue's rows and every report name it
  ForwardType type = ForwardType::kDicom;
  // dicom
  std::string ae_title;  // called AE
  std::string host;
  std::uint16_t port = 0;
  bool tls = false;          // DICOM TLS with the gateway's tls.* settings (tls.ca verifies it)
  int max_associations = 1;  // workers, each with its own association
  // stow
  std::string url;                   // the studies endpoint, http:// or https://
  std::filesystem::path token_file;  // holds the bearer token; empty: see `token`
  std::string token;                 // from FORWARD_STOW_TOKEN; never shown or logged
  std::filesystem::path ca_file;     // CA bundle for https (default: the system's)
  // Filters; an empty list matches everything.
  std::vector<std::string> sop_classes;
  std::vector<std::string> modalities;
  std::vector<std::string> calling_aets;

  std::string endpoint() const;  // "ARCHIVE@10.0.0.5:104" or the URL without credentials
};

// The forwarding list from YAML (a sequence of mappings, key `forward`). Every problem is
// appended, starting with `where` and naming the entry and field: "forward[1].url: ...".
std::vector<ForwardDestination> parseForwardDestinations(const YAML::Node& list,
                                                         const std::string& where,
                                                         std::vector<std::string>& problems);

// FORWARD_DICOM=AE@host:port: one DICOM destination named "dicom" (replacing one of that
// name). An error text on failure.
std::optional<std::string> applyForwardDicom(std::vector<ForwardDestination>& list,
                                             const std::string& value);
// FORWARD_STOW_URL=http(s)://...: one STOW-RS destination named "stow".
std::optional<std::string> applyForwardStowUrl(std::vector<ForwardDestination>& list,
                                               const std::string& value);

// Problems of the list as a whole (unique names) and of each entry's required fields.
void checkForwardDestinations(const std::vector<ForwardDestination>& list,
                              std::vector<std::string>& problems);

// The URL with any user:password@ removed (for logs and reports).
std::string urlWithoutCredentials(const std::string& url);

const char* toString(ForwardType type);  // "dicom", "stow"

}  // namespace gateway::config
