// A client that can send faster than a server receives, for bench/edge-bench.sh's upload figures:
// curl -T reads and sends 64 KiB at a time and tops out near 370 MB/s here even into a socket
// that drops everything, which would measure curl rather than the server.
//
//   upload_client --port P --path /api/v1/tasks?title=x --token JWT --file F [--multipart]
//
// One POST on one connection: the head, then the file with sendfile(2) (raw: Content-Length is
// the file; --multipart: a form-data envelope around it, part `file`), then the answer. Prints
// `status=201 seconds=2.100 mb_s=511`. Exit status 0 when the answer is 2xx.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

[[noreturn]] void Fail(const std::string& why) {
  std::fprintf(stderr, "upload_client: %s\n", why.c_str());
  std::exit(2);
}

bool SendAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = "/api/v1/tasks", token, file;
  int port = 0;
  bool multipart = false;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (k == "--multipart") {
      multipart = true;
      continue;
    }
    if (i + 1 >= argc) Fail(k + " needs a value");
    std::string v = argv[++i];
    if (k == "--port")
      port = std::atoi(v.c_str());
    else if (k == "--path")
      path = v;
    else if (k == "--token")
      token = v;
    else if (k == "--file")
      file = v;
    else
      Fail("unknown option " + k);
  }
  if (port <= 0 || file.empty()) Fail("--port and --file are required");
  int in = ::open(file.c_str(), O_RDONLY);
  struct stat st {};
  if (in < 0 || ::fstat(in, &st) != 0) Fail("cannot read " + file);

  const std::string boundary = "----minutes-bench-7d1f0c";
  std::string before, after, type = "audio/wav";
  if (multipart) {
    before = "--" + boundary +
             "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.wav\"\r\n"
             "Content-Type: audio/wav\r\n\r\n";
    after = "\r\n--" + boundary + "--\r\n";
    type = "multipart/form-data; boundary=" + boundary;
  }
  long long length = static_cast<long long>(before.size() + after.size()) + st.st_size;
  std::string head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type +
                     "\r\nContent-Length: " + std::to_string(length) + "\r\n";
  if (!token.empty()) head += "Authorization: Bearer " + token + "\r\n";
  head += "Connection: close\r\n\r\n";

  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) Fail("cannot connect");
  auto t0 = std::chrono::steady_clock::now();
  if (!SendAll(fd, head + before)) Fail("the server closed the connection during the head");
  off_t at = 0;
  while (at < st.st_size) {
    ssize_t n = ::sendfile(fd, in, &at, static_cast<size_t>(st.st_size - at));
    if (n <= 0) break;  // the server answered early (and closed): read its answer
  }
  if (at == st.st_size) SendAll(fd, after);
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    answer.append(buf, static_cast<size_t>(n));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  int status = answer.size() > 12 ? std::atoi(answer.c_str() + 9) : 0;
  std::printf("status=%d seconds=%.3f mb_s=%.0f\n", status, seconds,
              static_cast<double>(length) / 1e6 / seconds);
  return status >= 200 && status < 300 ? 0 : 1;
}
