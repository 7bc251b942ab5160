// Start-up of a server, measured without the measuring costing anything: exec to the first
// `200` from GET /health, polling every 200 µs with plain connects (a shell loop forks a
// subshell and a `sleep` per try, which added ~10 ms to every figure), then the server's VmRSS
// one second later. The server is stopped with SIGTERM; its own output is discarded.
//   startup_probe PORT COMMAND [ARGS...]   → prints "startup_us RSS_KB"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

// True once GET /health on 127.0.0.1:port answers with status 200.
bool HealthAnswers(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const char req[] = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    char buf[64] = {};
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (write(fd, req, sizeof req - 1) == static_cast<ssize_t>(sizeof req - 1)) {
      ssize_t n = read(fd, buf, sizeof buf - 1);
      ok = n >= 12 && std::strncmp(buf, "HTTP/1.1 200", 12) == 0;
    }
  }
  close(fd);
  return ok;
}

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: startup_probe PORT COMMAND [ARGS...]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const auto t0 = Clock::now();
  // The server's own output goes to /dev/null: only the figures are printed.
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&quiet, 1, 2);
  pid_t pid = 0;
  if (int rc = posix_spawn(&pid, argv[2], &quiet, nullptr, argv + 2, environ); rc != 0) {
    std::fprintf(stderr, "startup_probe: cannot start %s: %s\n", argv[2], std::strerror(rc));
    return 1;
  }
  for (;;) {
    if (HealthAnswers(port)) break;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      std::fprintf(stderr, "startup_probe: %s exited before answering\n", argv[2]);
      return 1;
    }
    if (Clock::now() - t0 > std::chrono::seconds(30)) {
      std::fprintf(stderr, "startup_probe: no answer from port %d within 30 s\n", port);
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const long rss = RssKb(pid);
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  std::printf("%lld %ld\n", static_cast<long long>(us.count()), rss);
  return 0;
}
