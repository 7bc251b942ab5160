#include "server_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace minutes::testing {

ServerProcess::ServerProcess(const std::string& binary, const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    std::vector<std::string> all{binary, "serve", "--port", "0"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  out_ = fdopen(fds[0], "r");
  char line[256];
  if (out_ && std::fgets(line, sizeof line, out_)) {
    std::string s(line);
    auto colon = s.rfind(':');
    if (s.find("listening on") != std::string::npos && colon != std::string::npos)
      port_ = std::stoi(s.substr(colon + 1));
  }
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return exit_code_;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (out_) std::fclose(out_);
  out_ = nullptr;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return exit_code_;
}

}  // namespace minutes::testing
