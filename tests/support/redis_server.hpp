#pragma once
// redis-server from Debian for tests: on a free loopback port with its files in a temp
// directory, no persistence (a restart loses every key, the hardest case for the queue's
// outbox), stoppable and restartable on the same port; stopped and removed on destruction.
#include <sys/types.h>

#include <filesystem>
#include <string>

namespace minutes::testing {

class RedisServer {
 public:
  explicit RedisServer(std::string password = "");
  ~RedisServer();
  void Start();
  void Stop();
  int port() const { return port_; }
  /// redis://[:password@]127.0.0.1:PORT/0
  std::string Url(const std::string& suffix = "/0") const {
    return "redis://" + (password_.empty() ? "" : ":" + password_ + "@") +
           "127.0.0.1:" + std::to_string(port_) + suffix;
  }

 private:
  std::string password_;
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace minutes::testing
