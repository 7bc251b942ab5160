#pragma once
// redis-server from Debian for tests: on a free loopback port with its files in a temp
// directory, no persistence (a restart loses every key, the hardest case for the queue's
// outbox), stoppable and restartable on the same port; stopped and removed on destruction.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "s3_server.hpp"  // FreeLoopbackPort, Accepts

namespace minutes::testing {

class RedisServer {
 public:
  explicit RedisServer(std::string password = "") : password_(std::move(password)) {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("minutes-redis-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    port_ = FreeLoopbackPort();
    Start();
  }
  ~RedisServer() {
    Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void Start() {
    if (pid_ > 0) return;
    std::string log = (dir_ / "redis.log").string(), port = std::to_string(port_);
    std::string dir = dir_.string();
    pid_ = fork();
    if (pid_ == 0) {
      int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(out, STDOUT_FILENO);
      dup2(out, STDERR_FILENO);
      if (password_.empty())
        execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1",
               "--save", "", "--appendonly", "no", "--dir", dir.c_str(),
               static_cast<char*>(nullptr));
      else
        execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1",
               "--save", "", "--appendonly", "no", "--dir", dir.c_str(), "--requirepass",
               password_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!Accepts(port_)) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_ || std::chrono::steady_clock::now() > until)
        throw std::runtime_error("redis-server did not start (run scripts/setup.sh); see " + log);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
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
