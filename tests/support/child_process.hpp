#pragma once
// Runs the `minutes` binary as a child with extra environment, reads the first line it prints
// (serve: "listening on http://host:PORT"; worker: "worker running …"), keeps stderr in a file.
#include <sys/types.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace minutes::testing {

class ChildProcess {
 public:
  ChildProcess(const std::string& binary, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env = {},
               const std::string& stderr_path = "/dev/null", bool append = false);
  ~ChildProcess();
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& first_line() const { return first_line_; }
  /// Sends `sig` and waits up to `timeout`; the exit code, 128+signal when killed, or -1 when
  /// it did not end in time (it is then killed).
  int Kill(int sig, std::chrono::seconds timeout = std::chrono::seconds(30));
  /// Waits for a child that exits by itself (e.g. on bad config).
  int Wait();

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  int port_ = 0;
  int code_ = -1;
  std::string first_line_;
};

std::string ReadFile(const std::string& path);

}  // namespace minutes::testing
