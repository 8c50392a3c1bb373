#include "services/window/health_checks.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <sys/statvfs.h>

#include <cstdio>

#include "common/dicom/echo_client.h"
#include "common/dicom/find_client.h"
#include "common/dicom/tls_credentials.h"
#include "common/dicom_values/current_date.h"

namespace gateway::window {
namespace {

constexpr std::uint64_t kMinimumFreeBytes = 100ULL << 20;
constexpr double kMinimumFreePercent = 1.0;

std::string milliseconds(long long ms) { return std::to_string(ms) + "ms"; }

}  // namespace

DiskSpace diskSpace(const std::filesystem::path& path) {
  DiskSpace disk;
  struct statvfs fs {};
  if (::statvfs(path.c_str(), &fs) != 0 || fs.f_blocks == 0) return disk;
  disk.known = true;
  disk.total_bytes = static_cast<std::uint64_t>(fs.f_blocks) * fs.f_frsize;
  disk.free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  disk.free_percent =
      100.0 * static_cast<double>(disk.free_bytes) / static_cast<double>(disk.total_bytes);
  return disk;
}

bool HealthReport::ok() const {
  for (const auto& check : checks) {
    if (!check.ok) return false;
  }
  return !checks.empty();
}

std::vector<HealthCheck> trafficChecks(const config::GatewayConfig& config,
                                       const TrafficOptions& options) {
  // Every port that is configured, plain and TLS; a port set to 0 is off and not checked.
  const dicom::TlsClientSettings tls = dicom::selfCallTls(config.tls);
  struct Port {
    std::uint16_t port;
    std::string label;
    const std::string& aet;
    bool worklist;
    const dicom::TlsClientSettings* tls;
  };
  const Port ports[] = {{config.pacs.port, "pacs", config.pacs.aet, false, nullptr},
                        {config.pacs.tls_port, "pacs-tls", config.pacs.aet, false, &tls},
                        {config.mwl.port, "mwl", config.mwl.aet, true, nullptr},
                        {config.mwl.tls_port, "mwl-tls", config.mwl.aet, true, &tls}};
  std::vector<HealthCheck> checks;
  for (const Port& p : ports) {
    if (p.port == 0) continue;
    const std::string where = p.aet + "@" + options.host + ":" + std::to_string(p.port);
    const auto echo =
        dicom::sendEcho(options.host, p.port, options.calling_aet, p.aet, options.timeout, p.tls);
    checks.push_back({p.label + "-echo", echo.ok, "C-ECHO",
                      echo.ok ? milliseconds(echo.milliseconds)
                              : p.label + " C-ECHO to " + where + ": " + echo.error});
    if (!echo.ok || !p.worklist) continue;
    DcmDataset query;
    query.putAndInsertString(DCM_PatientName, "");
    query.putAndInsertString(DCM_AccessionNumber, "");
    DcmItem* step = nullptr;
    query.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, step, -2);
    if (step != nullptr) {
      step->putAndInsertString(DCM_ScheduledProcedureStepStartDate,
                               dicom_values::currentDate().c_str());
      step->putAndInsertString(DCM_Modality, "");
    }
    const auto find =
        dicom::sendFind(options.host, p.port, options.calling_aet, p.aet,
                        UID_FINDModalityWorklistInformationModel, query, options.timeout, p.tls);
    checks.push_back({p.label + "-find", find.ok, "C-FIND",
                      find.ok ? milliseconds(find.milliseconds)
                              : "worklist C-FIND to " + where + (p.tls != nullptr ? " (TLS)" : "") +
                                    ": " + find.error});
  }
  return checks;
}

HealthCheck writeCheck(const std::string& name, const std::function<void()>& write) {
  const auto started = std::chrono::steady_clock::now();
  try {
    write();
  } catch (const std::exception& e) {
    return {name, false, "database write", e.what()};
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  return {name, true, "database write", milliseconds(ms)};
}

HealthCheck diskCheck(const DiskSpace& disk) {
  if (!disk.known) return {"disk", false, "disk", "cannot read the storage's file system"};
  char text[96];
  std::snprintf(text, sizeof(text), "%llu bytes free (%.1f%%)",
                static_cast<unsigned long long>(disk.free_bytes), disk.free_percent);
  const bool ok = disk.free_bytes >= kMinimumFreeBytes && disk.free_percent >= kMinimumFreePercent;
  return {"disk", ok, "disk", ok ? text : std::string("low: ") + text};
}

}  // namespace gateway::window
