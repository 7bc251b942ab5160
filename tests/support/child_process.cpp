#include "child_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace minutes::testing {

ChildProcess::ChildProcess(const std::string& binary, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env,
                           const std::string& stderr_path, bool append) {
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

ChildProcess::~ChildProcess() {
  if (pid_ > 0) Kill(SIGKILL);
  if (out_) std::fclose(out_);
}

int ChildProcess::Kill(int sig, std::chrono::seconds timeout) {
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

int ChildProcess::Wait() {
  if (pid_ <= 0) return code_;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace minutes::testing
