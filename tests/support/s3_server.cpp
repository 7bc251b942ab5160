#include "s3_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace minutes::testing {

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

S3Server::S3Server(const std::string& bucket) : bucket_(bucket) {
  static int counter = 0;
  dir_ = std::filesystem::temp_directory_path() /
         ("minutes-s3rver-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_ / "data");
  port_ = FreeLoopbackPort();
  std::string bin = std::string(MINUTES_SOURCE_DIR) + "/tests/tools/node_modules/.bin/s3rver";
  std::string log = (dir_ / "s3rver.log").string();
  std::string data = (dir_ / "data").string(), port = std::to_string(port_);
  pid_ = fork();
  if (pid_ == 0) {
    int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    // s3rver's continuation tokens use DES, which Node's OpenSSL 3 keeps in its legacy provider.
    setenv("NODE_OPTIONS", "--openssl-legacy-provider", 1);
    execl(bin.c_str(), bin.c_str(), "-d", data.c_str(), "-p", port.c_str(), "-a", "127.0.0.1",
          "--configure-bucket", bucket.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!Accepts(port_)) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_ || std::chrono::steady_clock::now() > until)
      throw std::runtime_error("s3rver did not start (run scripts/setup.sh); see " + log);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

S3Server::~S3Server() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string S3Server::Log() const {
  std::ifstream in(dir_ / "s3rver.log");
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace minutes::testing
