#include "tests/e2e/gateway_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "tests/support/temp_dir.h"

namespace gateway::test {
namespace {

pid_t spawnGateway(const std::vector<std::string>& args,
                   const std::vector<std::pair<std::string, std::string>>& env,
                   const std::filesystem::path& output) {
  std::vector<std::string> argv_store = {GATEWAY_BINARY};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<std::string> env_store = {std::string("PATH=") + std::getenv("PATH")};
  bool http_port_given = false;
  for (const auto& [k, v] : env) {
    env_store.push_back(k + "=" + v);
    http_port_given = http_port_given || k == "GATEWAY_HTTP_PORT";
  }
  // The HTTP server's default port is fixed (8080); tests that do not ask for it run
  // without, so parallel runs never collide on it.
  if (!http_port_given) env_store.push_back("GATEWAY_HTTP_PORT=0");
  std::vector<char*> argv;
  std::vector<char*> envp;
  for (auto& a : argv_store) argv.push_back(a.data());
  for (auto& e : env_store) envp.push_back(e.data());
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int waitFor(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

}  // namespace

GatewayProcess::GatewayProcess(std::vector<std::string> args,
                               std::vector<std::pair<std::string, std::string>> env,
                               std::filesystem::path log_file)
    : log_file_(std::move(log_file)) {
  pid_ = spawnGateway(args, env, log_file_);
}

GatewayProcess::~GatewayProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool GatewayProcess::waitForLog(const std::string& needle, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (log().find(needle) != std::string::npos) return true;
    int status = 0;
    if (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return log().find(needle) != std::string::npos;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

int GatewayProcess::stop(int signal_number, std::chrono::seconds limit) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal_number);
  return waitExit(limit);
}

int GatewayProcess::waitExit(std::chrono::seconds limit) {
  if (pid_ <= 0) return -1;
  const int code = waitFor(pid_, limit);
  if (code != -1) pid_ = -1;
  return code;
}

std::string GatewayProcess::log() const { return readFileBytes(log_file_); }

std::pair<int, std::string> runGateway(const std::vector<std::string>& args,
                                       const std::vector<std::pair<std::string, std::string>>& env,
                                       std::chrono::seconds limit) {
  TempDir dir;
  const auto output = dir / "output.txt";
  const pid_t pid = spawnGateway(args, env, output);
  if (pid <= 0) return {-1, "cannot start " GATEWAY_BINARY};
  int code = waitFor(pid, limit);
  if (code == -1) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  return {code, readFileBytes(output)};
}

}  // namespace gateway::test
