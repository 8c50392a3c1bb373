// The built binary's command line: every command and worklist action refuses an option it
// does not take (exit 2, one line naming both), every --help works, and long work draws a
// progress line only when stderr is a terminal (a pseudo-terminal here) and not --json.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <tuple>

#include "tests/e2e/gateway_process.h"
#include "tests/support/archived_objects.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {
namespace {

struct TerminalRun {
  int code = -1;
  std::string terminal;  // what the pseudo-terminal on stderr received
  std::string out;       // stdout
};

// Runs the binary with stderr on a pseudo-terminal and stdout in a file.
TerminalRun runOnTerminal(const std::vector<std::string>& args,
                          const std::vector<std::pair<std::string, std::string>>& env,
                          const std::filesystem::path& out_file) {
  TerminalRun run;
  std::vector<std::string> argv_store = {GATEWAY_BINARY};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<std::string> env_store = {std::string("PATH=") + std::getenv("PATH")};
  for (const auto& [k, v] : env) env_store.push_back(k + "=" + v);
  std::vector<char*> argv;
  std::vector<char*> envp;
  for (auto& a : argv_store) argv.push_back(a.data());
  for (auto& e : env_store) envp.push_back(e.data());
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  const int out_fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int master = -1;
  int slave = -1;
  if (out_fd < 0 || ::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) return run;
  const pid_t pid = ::fork();
  if (pid == 0) {  // only async-signal-safe calls from here
    ::dup2(out_fd, 1);
    ::dup2(slave, 2);
    ::close(master);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(slave);
  ::close(out_fd);
  // Read until the child's side closes (EIO on Linux), so a full terminal never blocks it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd fd{master, POLLIN, 0};
    if (::poll(&fd, 1, 100) <= 0) continue;
    const ssize_t n = ::read(master, buffer, sizeof(buffer));
    if (n <= 0) break;
    run.terminal.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(master);
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) != pid) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = readFileBytes(out_file);
  return run;
}

class CommandLineE2e : public ::testing::Test {
 protected:
  CommandLineE2e()
      : env_{{"MWL_DB_PATH", (dir_ / "worklist.db").string()},
             {"PACS_STORAGE_PATH", (dir_ / "storage").string()},
             {"PACS_DB_PATH", (dir_ / "pacs.db").string()}} {}

  std::filesystem::path writeCsv(std::size_t rows) {
    const auto path = dir_ / "day.csv";
    std::ofstream csv(path);
    csv << "accession_number,patient_id,patient_name,patient_birth_date,scheduled_date,"
           "scheduled_time,modality\n";
    for (std::size_t i = 0; i < rows; ++i) {
      csv << "A" << i << ",P" << i << ",DOE^JANE,19700101,20260302,0830,MG\n";
    }
    return path;
  }

  TempDir dir_;
  std::vector<std::pair<std::string, std::string>> env_;
};

TEST_F(CommandLineE2e, EveryCommandRefusesAnOptionItDoesNotTake) {
  const std::vector<std::tuple<std::vector<std::string>, std::string, std::string>> cases = {
      {{"serve", "--host", "10.0.0.1"}, "--host", "serve"},
      {{"verify-storage", "--timeout", "3"}, "--timeout", "verify-storage"},
      {{"healthcheck", "--once"}, "--once", "healthcheck"},
      {{"status", "--replace"}, "--replace", "status"},
      {{"worklist", "add", "--accession-number", "A1", "--date", "20260302"},
       "--date",
       "worklist add"},
      {{"worklist", "import", "day.csv", "--json"}, "--json", "worklist import"},
      {{"worklist", "list", "--calling-aet", "X"}, "--calling-aet", "worklist list"},
      {{"worklist", "remove", "--replace"}, "--replace", "worklist remove"},
      {{"worklist", "reset", "--replace"}, "--replace", "worklist reset"},
      {{"emulate", "--once", "--json"}, "--json", "emulate"},
      {{"version", "--pacs-port", "4300"}, "--pacs-port", "version"},
      {{"help", "--mwl-db-path", "x.db"}, "--mwl-db-path", "help"},
  };
  for (const auto& [args, option, command] : cases) {
    const auto [code, out] = runGateway(args, env_);
    EXPECT_EQ(code, 2) << out;
    const std::string first = out.substr(0, out.find('\n'));
    EXPECT_EQ(
        first.rfind("screening-gateway: " + option + " is not an option of " + command + ";", 0),
        0u)
        << out;
    // One line, and a pointer to the command's help; nothing else happened.
    EXPECT_EQ(out.substr(first.size() + 1),
              "`screening-gateway " + command + " --help` describes the options.\n")
        << out;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "worklist.db"));  // no action ran
}

TEST_F(CommandLineE2e, EveryHelpIsGeneratedAndExitsZero) {
  const std::vector<std::string> topics = {
      "serve",        "verify-storage",  "healthcheck",   "status",          "worklist",
      "worklist add", "worklist import", "worklist list", "worklist remove", "worklist reset",
      "emulate",      "version",         "help"};
  for (const auto& topic : topics) {
    std::vector<std::string> args;
    std::istringstream words(topic);
    std::string word;
    while (words >> word) args.push_back(word);
    auto with_flag = args;
    with_flag.push_back("--help");
    const auto [code, out] = runGateway(with_flag, env_);
    EXPECT_EQ(code, 0) << topic;
    EXPECT_EQ(out.rfind("Usage: screening-gateway " + topic + " ", 0), 0u) << out;
    args.insert(args.begin(), "help");
    const auto [help_code, help_out] = runGateway(args, env_);
    EXPECT_EQ(help_code, 0) << topic;
    EXPECT_EQ(help_out, out) << topic;
  }
  const auto [code, out] = runGateway({"--help"}, env_);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(out.rfind("Usage: screening-gateway [COMMAND]", 0), 0u) << out;
  EXPECT_EQ(runGateway({"help"}, env_).second, out);
  EXPECT_EQ(runGateway({"help", "bogus"}, env_).first, 2);
}

TEST_F(CommandLineE2e, AdminCommandsLogAtTheLevelGivenOnTheirCommandLineOnly) {
  auto env = env_;
  env.emplace_back("LOG_LEVEL", "info");  // serve's level: admin output stays clean
  auto [code, out] = runGateway({"worklist", "list"}, env);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(out, "no worklist items\n");
  std::filesystem::remove(dir_ / "worklist.db");
  std::tie(code, out) = runGateway({"worklist", "list", "--log-level", "info"}, env);
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find("info [db]"), std::string::npos) << out;  // the new database's migration
}

TEST_F(CommandLineE2e, ImportShowsProgressOnlyOnATerminal) {
  const auto csv = writeCsv(2000);
  const auto terminal = runOnTerminal({"worklist", "import", csv.string()}, env_, dir_ / "out");
  EXPECT_EQ(terminal.code, 0) << terminal.terminal;
  EXPECT_EQ(terminal.out, "imported 2000 worklist items from " + csv.string() + "\n");
  EXPECT_NE(terminal.terminal.find("\rworklist import: "), std::string::npos) << terminal.terminal;
  EXPECT_NE(terminal.terminal.find("/2000 items"), std::string::npos) << terminal.terminal;
  EXPECT_EQ(terminal.terminal.substr(terminal.terminal.size() - 4), "\r\033[K");  // erased

  const auto [code, piped] =
      runGateway({"worklist", "import", csv.string(), "--replace"}, env_);  // stderr a file
  EXPECT_EQ(code, 0) << piped;
  EXPECT_EQ(piped, "imported 2000 worklist items from " + csv.string() + " (2000 replaced)\n");
}

TEST_F(CommandLineE2e, ResetShowsItsBackupOnlyOnATerminal) {
  ASSERT_EQ(runGateway({"worklist", "import", writeCsv(50).string()}, env_).first, 0);
  const auto terminal = runOnTerminal(
      {"worklist", "reset", "--backup-dir", (dir_ / "backups").string()}, env_, dir_ / "out");
  EXPECT_EQ(terminal.code, 0) << terminal.terminal;
  EXPECT_EQ(terminal.out.rfind("backed up to ", 0), 0u) << terminal.out;
  EXPECT_NE(terminal.terminal.find("\rworklist reset backup: "), std::string::npos)
      << terminal.terminal;

  const auto [code, piped] =
      runGateway({"worklist", "reset", "--backup-dir", (dir_ / "backups").string()}, env_);
  EXPECT_EQ(code, 0) << piped;
  EXPECT_EQ(piped.find('\r'), std::string::npos) << piped;
  EXPECT_EQ(piped.find("worklist reset backup"), std::string::npos) << piped;
}

TEST_F(CommandLineE2e, VerifyStorageShowsFilesAndBytesOnATerminalButNotWithJson) {
  {
    pacs::FileStore store(dir_ / "storage");
    pacs::InstanceIndex index(dir_ / "pacs.db");
    archiveObjects(store, index, 5);
  }
  const auto terminal = runOnTerminal({"verify-storage"}, env_, dir_ / "out");
  EXPECT_EQ(terminal.code, 0) << terminal.terminal << terminal.out;
  EXPECT_NE(terminal.out.find("checked 5 indexed files, 5 ok"), std::string::npos) << terminal.out;
  EXPECT_NE(terminal.terminal.find("\rverify-storage: 5/5 files, "), std::string::npos)
      << terminal.terminal;
  EXPECT_NE(terminal.terminal.find(" KiB ("), std::string::npos) << terminal.terminal;

  const auto json = runOnTerminal({"verify-storage", "--json"}, env_, dir_ / "out");
  EXPECT_EQ(json.code, 0);
  EXPECT_EQ(json.terminal, "");  // --json: nothing on the terminal
  EXPECT_EQ(json.out.rfind("{\"ok\":true", 0), 0u) << json.out;

  const auto [code, piped] = runGateway({"verify-storage"}, env_);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(piped, "checked 5 indexed files, 5 ok, 0 problem(s)\n");
}

}  // namespace
}  // namespace gateway::test
