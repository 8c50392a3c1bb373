#include "tests/e2e/orthanc_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {
namespace {

constexpr const char* kDicomWebPlugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

}  // namespace

OrthancProcess::OrthancProcess(const std::filesystem::path& dir, Options options)
    : options_(std::move(options)), http_port_(freePort()), dir_(dir) {
  if (options_.dicom_port == 0) options_.dicom_port = freePort();
  std::filesystem::create_directories(dir / "storage");
  const auto config = dir / "orthanc.json";
  nlohmann::json settings = {{"Name", "gateway-e2e"},
                             {"StorageDirectory", (dir / "storage").string()},
                             {"IndexDirectory", (dir / "storage").string()},
                             {"TemporaryDirectory", (dir / "storage").string()},
                             {"Plugins", nlohmann::json::array()},
                             {"HttpServerEnabled", true},
                             {"HttpPort", http_port_},
                             {"RemoteAccessAllowed", false},
                             {"AuthenticationEnabled", !options_.users.empty()},
                             {"DicomServerEnabled", true},
                             {"DicomAet", options_.aet},
                             {"DicomPort", options_.dicom_port},
                             {"DicomModalities", options_.modalities},
                             {"SaveJobs", false}};
  if (!options_.users.empty()) settings["RegisteredUsers"] = options_.users;
  if (options_.dicomweb) {
    settings["Plugins"].push_back(kDicomWebPlugin);
    settings["DicomWeb"] = {{"Enable", true}, {"Root", "/dicom-web/"}};
  }
  std::ofstream(config) << settings.dump(2);
  pid_ = ::fork();
  if (pid_ == 0) {
    const auto log = (dir / "orthanc.log").string();
    std::freopen(log.c_str(), "w", stdout);
    std::freopen(log.c_str(), "a", stderr);
    ::execlp("Orthanc", "Orthanc", config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
}

OrthancProcess::~OrthancProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

bool OrthancProcess::waitReady(std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    if (get("/system")) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::optional<nlohmann::json> OrthancProcess::get(const std::string& path) {
  return call("GET", path, "");
}

std::optional<nlohmann::json> OrthancProcess::post(const std::string& path,
                                                   const nlohmann::json& body) {
  return call("POST", path, body.dump());
}

bool OrthancProcess::download(const std::string& path, const std::filesystem::path& file) {
  return curl("GET", path, "", file);
}

std::string OrthancProcess::log() const { return readFileBytes(dir_ / "orthanc.log"); }

std::string OrthancProcess::stowUrl() const {
  return "http://127.0.0.1:" + std::to_string(http_port_) + "/dicom-web/studies";
}

bool OrthancProcess::curl(const std::string& method, const std::string& path,
                          const std::string& body, const std::filesystem::path& out) {
  std::filesystem::remove(out);
  std::vector<std::string> argv = {
      "curl", "-fsS",       "-m",
      "60",   "-X",         method,
      "-o",   out.string(), "http://127.0.0.1:" + std::to_string(http_port_) + path};
  if (!options_.users.empty()) {
    const auto user = options_.users.begin();
    argv.push_back("-u");
    argv.push_back(user.key() + ":" + user.value().get<std::string>());
  }
  if (!body.empty()) {
    argv.push_back("--data-binary");
    argv.push_back(body);
  }
  return runProgram(argv, std::chrono::seconds(70), (dir_ / "curl.log").string()) == 0;
}

std::optional<nlohmann::json> OrthancProcess::call(const std::string& method,
                                                   const std::string& path,
                                                   const std::string& body) {
  const auto out = dir_ / "curl.out";
  if (!curl(method, path, body, out)) return std::nullopt;
  try {
    return nlohmann::json::parse(readFileBytes(out));
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace gateway::test
