#pragma once
// Runs the `minutes` binary as a child with extra environment, reads the first line it prints
// (serve: "listening on http://host:PORT"; worker: "worker running …"), keeps stderr in a file.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace minutes::testing {

class ChildProcess {
 public:
  ChildProcess(const std::string& binary, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env = {},
               const std::string& stderr_path = "/dev/null", bool append = false) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      FILE* err = std::fopen(stderr_path.c_str(), append ? "a" : "w");
      if (err) dup2(fileno(err), STDERR_FILENO);
      for (auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
      std::vector<std::string> all{binary};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
    char line[512];
    if (out_ && std::fgets(line, sizeof line, out_)) {
      first_line_ = line;
      auto colon = first_line_.rfind(':');
      if (first_line_.find("listening on") != std::string::npos && colon != std::string::npos)
        port_ = std::stoi(first_line_.substr(colon + 1));
    }
  }
  ~ChildProcess() {
    if (pid_ > 0) Kill(SIGKILL);
    if (out_) std::fclose(out_);
  }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& first_line() const { return first_line_; }
  /// Sends `sig` and waits up to `timeout`; the exit code, 128+signal when killed, or -1 when
  /// it did not end in time (it is then killed).
  int Kill(int sig, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    if (pid_ <= 0) return code_;
    kill(pid_, sig);
    auto until = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > until) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return code_ = -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return code_;
  }
  /// Waits for a child that exits by itself (e.g. on bad config).
  int Wait() {
    if (pid_ <= 0) return code_;
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  int port_ = 0;
  int code_ = -1;
  std::string first_line_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace minutes::testing
