#pragma once
// Starts `minutes serve --port 0` as a child process and learns its port from its first line.
#include <sys/types.h>

#include <cstdio>
#include <string>
#include <vector>

namespace minutes::testing {

class ServerProcess {
 public:
  /// Starts `binary serve --port 0 <args>`; port() is 0 when it did not come up.
  ServerProcess(const std::string& binary, const std::vector<std::string>& args);
  ~ServerProcess() { Stop(); }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  /// Sends SIGTERM and returns the exit code (-1 when it did not exit normally).
  int Stop();

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  int port_ = 0;
  int exit_code_ = -1;
};

}  // namespace minutes::testing
