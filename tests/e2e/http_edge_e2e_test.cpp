// The HTTP edge of `minutes serve`, attacked over raw sockets: the exact bytes go out, and the
// status line, headers and body framing that come back are parsed here, so that no client
// library can paper over a protocol bug (a stray byte after a chunked body, a body on a HEAD or
// a 204, a connection closed where it should have been kept, a Content-Length that lies).
//
// Covered: chunked multipart uploads followed by more requests on the same connection, 411,
// 405 + Allow, Location, 204, HEAD, Expect: 100-continue, pipelining, truncated and idle bodies,
// header timeouts (slowloris), 414/431, security headers, per-client connection and per-user
// stream limits, Server-Sent Events (progress, heartbeats, done), graceful shutdown, and an
// independent client (Go's net/http, tests/tools/go-client) streaming chunked uploads over one
// keep-alive connection.
//
// The server gets the edge's `server:` keys (header_timeout_s, …) with short values in its
// config file. Two environment variables are for running these tests against a binary that
// predates those keys: MINUTES_E2E_WITHOUT_EDGE_KEYS=1 leaves the keys out of the config (such a
// binary refuses unknown keys), MINUTES_E2E_BINARY=/path/to/minutes runs another binary than the
// build tree's.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "child_process.hpp"
#include "edge_test_env.hpp"
#include "run_command.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using namespace minutes::testing;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// ---------------------------------------------------------------------------------------------
// A raw HTTP/1.1 connection.

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

/// `s` with control bytes escaped and cut at `max` bytes, for failure messages.
std::string Printable(std::string_view s, size_t max = 600) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\r')
      out += "\\r";
    else if (c == '\n')
      out += "\\n\n";
    else if (c < 0x20 || c >= 0x7f)
      out += "\\x" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15];
    else
      out += static_cast<char>(c);
  }
  if (s.size() > max) out += "… (" + std::to_string(s.size()) + " bytes)";
  return out;
}

/// One response as it came off the wire.
struct RawResponse {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-cased, in order
  std::string body;
  std::string framing;  ///< "chunked", "length", "close" or "none"
  std::string error;    ///< why it is incomplete or malformed; empty when it is whole
  std::string raw_head;

  /// The first value of header `name` (any case); "" when absent.
  std::string Header(const std::string& name) const {
    for (auto& [k, v] : headers)
      if (k == Lower(name)) return v;
    return "";
  }
  int Count(const std::string& name) const {
    int n = 0;
    for (auto& [k, v] : headers) n += k == Lower(name);
    return n;
  }
  bool Has(const std::string& name) const { return Count(name) > 0; }
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
  /// Everything about the response, for a failure message.
  std::string Describe() const {
    std::string s = "\n--- response";
    if (!error.empty()) s += " (" + error + ")";
    s += " ---\n" + Printable(raw_head) + "\n--- body (" + framing + ", " +
         std::to_string(body.size()) + " bytes) ---\n" + Printable(body) + "\n---";
    return s;
  }
};

/// A TCP connection to the server on 127.0.0.1, optionally bound to a source address.
class Conn {
 public:
  enum class Got { kData, kEnd, kClosed, kTimeout, kBadFraming };

  explicit Conn(int port, const std::string& source = "") {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      error_ = std::string("socket: ") + std::strerror(errno);
      return;
    }
    if (!source.empty()) {
      sockaddr_in from{};
      from.sin_family = AF_INET;
      ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) {
        error_ = "bind " + source + ": " + std::strerror(errno);
        Close();
        return;
      }
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval tv{5, 0};  // bounds connect() and a send() into a server that stopped reading
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
      error_ = std::string("connect: ") + std::strerror(errno);
      Close();
    }
  }
  ~Conn() { Close(); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }
  bool closed() const { return closed_; }
  /// Bytes received and not yet consumed by a Read.
  const std::string& buffered() const { return buf_; }

  /// Writes all of `data`; false (and error()) when the server closed or stopped reading.
  bool Send(std::string_view data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = std::string("send: ") + std::strerror(errno);
        return false;
      }
      off += static_cast<size_t>(n);
    }
    return true;
  }
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  /// Waits until `deadline` for more bytes: kData, kClosed (EOF or reset) or kTimeout.
  Got Fill(Clock::time_point deadline) {
    if (closed_ || fd_ < 0) return Got::kClosed;
    for (;;) {
      auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, left)));
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) return Got::kTimeout;
      char tmp[64 * 1024];
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n > 0) {
        buf_.append(tmp, static_cast<size_t>(n));
        return Got::kData;
      }
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      closed_ = true;
      reset_ = n < 0;
      return Got::kClosed;
    }
  }

  /// Reads a response head (status line and headers) and sets up its body's framing. For a
  /// response to HEAD pass `head_request`: it has no body whatever its headers say.
  RawResponse ReadHead(Clock::time_point deadline, bool head_request = false) {
    RawResponse r;
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (buf_.size() > (1u << 20)) {
        r.error = "no end of the response head in 1 MiB";
        return r;
      }
      Got g = Fill(deadline);
      if (g == Got::kTimeout) {
        r.error = "timed out waiting for a response head";
        if (!buf_.empty()) r.error += "; partial: " + Printable(buf_, 200);
        return r;
      }
      if (g == Got::kClosed) {
        r.error = std::string("the connection was ") + (reset_ ? "reset" : "closed") +
                  " before a whole response head";
        if (!buf_.empty()) r.error += "; partial: " + Printable(buf_, 200);
        return r;
      }
    }
    r.raw_head = buf_.substr(0, end + 4);
    std::string head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    for (size_t i = 0; i < head.size(); ++i)
      if (head[i] == '\n' && (i == 0 || head[i - 1] != '\r')) {
        r.error = "a bare LF in the response head";
        return r;
      }
    std::vector<std::string> lines;
    for (size_t pos = 0;;) {
      size_t eol = head.find("\r\n", pos);
      lines.push_back(head.substr(pos, eol - pos));
      if (eol == std::string::npos) break;
      pos = eol + 2;
    }
    const std::string& status_line = lines[0];
    if (status_line.size() < 12 || status_line.compare(0, 9, "HTTP/1.1 ") != 0 ||
        !std::isdigit(static_cast<unsigned char>(status_line[9])) ||
        !std::isdigit(static_cast<unsigned char>(status_line[10])) ||
        !std::isdigit(static_cast<unsigned char>(status_line[11])) ||
        (status_line.size() > 12 && status_line[12] != ' ')) {
      r.error = "malformed status line '" + Printable(status_line) + "'";
      return r;
    }
    r.status = std::stoi(status_line.substr(9, 3));
    r.reason = status_line.size() > 13 ? status_line.substr(13) : "";
    for (size_t i = 1; i < lines.size(); ++i) {
      const std::string& l = lines[i];
      size_t colon = l.find(':');
      if (colon == std::string::npos || colon == 0 || l[0] == ' ' || l[0] == '\t' ||
          l[colon - 1] == ' ') {
        r.error = "malformed header line '" + Printable(l) + "'";
        return r;
      }
      r.headers.emplace_back(Lower(l.substr(0, colon)), Trim(l.substr(colon + 1)));
    }
    mode_ = Mode::kNone;
    r.framing = "none";
    bool no_body = r.status / 100 == 1 || r.status == 204 || r.status == 304 || head_request;
    if (no_body) return r;
    if (r.Has("transfer-encoding")) {
      if (r.Has("content-length")) {
        r.error = "both Transfer-Encoding and Content-Length";
        return r;
      }
      std::string te = Lower(r.Header("transfer-encoding"));
      if (r.Count("transfer-encoding") != 1 || te != "chunked") {
        r.error = "unexpected Transfer-Encoding '" + te + "'";
        return r;
      }
      mode_ = Mode::kChunked;
      chunk_left_ = 0, chunk_crlf_ = false, trailers_ = false;
      r.framing = "chunked";
    } else if (r.Has("content-length")) {
      std::string cl = r.Header("content-length");
      for (auto& [k, v] : r.headers)
        if (k == "content-length" && v != cl) {
          r.error = "conflicting Content-Length headers";
          return r;
        }
      if (cl.empty() || cl.find_first_not_of("0123456789") != std::string::npos || cl.size() > 15) {
        r.error = "malformed Content-Length '" + cl + "'";
        return r;
      }
      body_left_ = std::stoll(cl);
      mode_ = body_left_ > 0 ? Mode::kLength : Mode::kNone;
      r.framing = "length";
    } else {
      mode_ = Mode::kClose;
      r.framing = "close";
    }
    return r;
  }

  /// Appends the next available piece of the current body to *out: kData (more may follow),
  /// kEnd (the body is complete), kClosed (the connection ended inside the body), kTimeout or
  /// kBadFraming (see framing_error()).
  Got ReadBodySome(Clock::time_point deadline, std::string* out) {
    for (;;) {
      size_t before = out->size();
      switch (mode_) {
        case Mode::kNone:
          return Got::kEnd;
        case Mode::kLength: {
          size_t take = static_cast<size_t>(std::min<int64_t>(body_left_, buf_.size()));
          out->append(buf_, 0, take);
          buf_.erase(0, take);
          body_left_ -= static_cast<int64_t>(take);
          if (body_left_ == 0) {
            mode_ = Mode::kNone;
            return Got::kEnd;
          }
          break;
        }
        case Mode::kChunked:
          if (DecodeChunks(out)) {
            mode_ = Mode::kNone;
            return Got::kEnd;
          }
          if (!framing_error_.empty()) return Got::kBadFraming;
          break;
        case Mode::kClose:
          out->append(buf_);
          buf_.clear();
          if (closed_) {
            mode_ = Mode::kNone;
            return Got::kEnd;
          }
          break;
      }
      if (out->size() > before) return Got::kData;
      if (closed_ && mode_ != Mode::kClose) return Got::kClosed;
      Got g = Fill(deadline);
      if (g == Got::kTimeout) return g;
    }
  }
  const std::string& framing_error() const { return framing_error_; }

  /// Reads one whole response within `timeout`.
  RawResponse Read(milliseconds timeout = seconds(10), bool head_request = false) {
    auto deadline = Clock::now() + timeout;
    RawResponse r = ReadHead(deadline, head_request);
    if (!r.error.empty()) return r;
    for (;;) {
      Got g = ReadBodySome(deadline, &r.body);
      if (g == Got::kEnd) return r;
      if (g == Got::kData) continue;
      r.error = g == Got::kTimeout  ? "timed out inside the body"
                : g == Got::kClosed ? "the connection ended inside the body"
                                    : "bad chunked framing: " + framing_error_;
      return r;
    }
  }

  /// True when the server closes the connection within `timeout`; what it sent before goes to
  /// *received.
  bool ClosedWithin(milliseconds timeout, std::string* received = nullptr) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
      Got g = Fill(deadline);
      if (received) *received += buf_;
      buf_.clear();
      if (g == Got::kClosed) return true;
      if (g == Got::kTimeout) return false;
    }
  }

  /// True when nothing at all arrives (and the connection stays open) for `quiet`.
  bool QuietFor(milliseconds quiet) {
    if (!buf_.empty() || closed_) return false;
    return Fill(Clock::now() + quiet) == Got::kTimeout;
  }

 private:
  enum class Mode { kNone, kLength, kChunked, kClose };

  // Decodes the chunked body now in buf_ into *out; true once the last chunk and the trailers
  // are in. A framing error is left in framing_error_.
  bool DecodeChunks(std::string* out) {
    for (;;) {
      if (chunk_left_ > 0) {
        size_t take = static_cast<size_t>(std::min<int64_t>(chunk_left_, buf_.size()));
        out->append(buf_, 0, take);
        buf_.erase(0, take);
        chunk_left_ -= static_cast<int64_t>(take);
        if (chunk_left_ > 0) return false;
        chunk_crlf_ = true;
      }
      if (chunk_crlf_) {
        if (buf_.size() < 2) return false;
        if (buf_.compare(0, 2, "\r\n") != 0) {
          framing_error_ = "chunk data not followed by CRLF: " + Printable(buf_, 40);
          return false;
        }
        buf_.erase(0, 2);
        chunk_crlf_ = false;
      }
      size_t eol = buf_.find("\r\n");
      if (eol == std::string::npos) {
        if (buf_.size() > 4096) framing_error_ = "no end of a chunk-size line in 4 KiB";
        return false;
      }
      std::string line = buf_.substr(0, eol);
      buf_.erase(0, eol + 2);
      if (trailers_) {
        if (line.empty()) return true;
        continue;
      }
      std::string size = Trim(line.substr(0, line.find(';')));
      if (size.empty() || size.size() > 15 ||
          size.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
        framing_error_ = "bad chunk-size line '" + Printable(line) + "'";
        return false;
      }
      chunk_left_ = std::stoll(size, nullptr, 16);
      if (chunk_left_ == 0) trailers_ = true;
    }
  }

  int fd_ = -1;
  std::string error_;
  std::string buf_;
  bool closed_ = false, reset_ = false;
  Mode mode_ = Mode::kNone;
  int64_t body_left_ = 0, chunk_left_ = 0;
  bool chunk_crlf_ = false, trailers_ = false;
  std::string framing_error_;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

/// A request's bytes: Host added, Content-Length added when there is a body or the method
/// usually has one.
std::string Req(const std::string& method, const std::string& target, const Headers& headers = {},
                const std::string& body = "") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (auto& [k, v] : headers) r += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

std::pair<std::string, std::string> Bearer(const std::string& token) {
  return {"Authorization", "Bearer " + token};
}

/// One request on a fresh connection.
RawResponse Exchange(int port, const std::string& request, milliseconds timeout = seconds(10),
                     bool head_request = false) {
  Conn c(port);
  if (!c.ok()) {
    RawResponse r;
    r.error = c.error();
    return r;
  }
  c.Send(request);  // a server answering early may stop reading: the response says why
  return c.Read(timeout, head_request);
}

/// A multipart/form-data body: a title field, the `file` part, the closing boundary (unless
/// !close) and `epilogue` after it.
std::string Multipart(const std::string& boundary, const std::string& title,
                      const std::string& file, bool close = true,
                      const std::string& epilogue = "\r\n") {
  std::string b = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" +
                  title + "\r\n--" + boundary +
                  "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"meeting.wav\"\r\n"
                  "Content-Type: audio/wav\r\n\r\n" +
                  file + "\r\n";
  if (close) b += "--" + boundary + "--\r\n" + epilogue;
  return b;
}

/// `body` in chunked transfer coding with chunk sizes cycling through `sizes` (hex digits in
/// lower and upper case, one chunk extension, which a recipient must ignore); `last` adds the
/// last chunk and the empty trailer section.
std::string Chunked(std::string_view body, const std::vector<size_t>& sizes, bool last = true) {
  std::string out;
  size_t off = 0;
  for (size_t i = 0; off < body.size(); ++i) {
    size_t n = std::min(sizes[i % sizes.size()], body.size() - off);
    char hex[32];
    if (i % 2)
      std::snprintf(hex, sizeof hex, "%zX", n);
    else
      std::snprintf(hex, sizeof hex, "%zx", n);
    out += hex;
    if (i == 1) out += ";edge-test=1";
    out += "\r\n";
    out.append(body.substr(off, n));
    out += "\r\n";
    off += n;
  }
  if (last) out += "0\r\n\r\n";
  return out;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// ---------------------------------------------------------------------------------------------
// The server under test.

/// `server:` keys of the event-driven edge, as key → YAML value.
using Keys = std::vector<std::pair<std::string, std::string>>;

/// Short timeouts, so the tests see them fire.
Keys EdgeKeys(const Keys& overrides = {}) {
  Keys keys = {{"io_threads", "0"},
               {"handler_threads", "16"},
               {"handler_queue", "256"},
               {"header_timeout_s", "2"},
               {"body_idle_timeout_s", "2"},
               {"keepalive_timeout_s", "3"},
               {"request_timeout_s", "30"},
               {"max_header_bytes", "16384"},
               {"max_request_line_bytes", "8192"},
               {"max_connections", "16000"},
               {"max_connections_per_client", "256"},
               {"max_streams_per_user", "3"},
               {"sse_heartbeat_s", "1"},
               {"drain_timeout_s", "5"}};
  for (auto& [k, v] : overrides) {
    auto it = std::find_if(keys.begin(), keys.end(), [&](auto& kv) { return kv.first == k; });
    if (it != keys.end())
      it->second = v;
    else
      keys.emplace_back(k, v);
  }
  return keys;
}

/// `minutes serve` on a fresh data dir with a config file, no workers (tasks stay queued), and
/// users alice and bob (tenant acme, password "correct-battery-42").
class EdgeServer {
 public:
  EdgeServer(const std::string& name, const Keys& keys) {
    dir_ = fs::temp_directory_path() / ("minutes-edge-" + name + "-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "config.yaml").string();
    {
      std::ofstream out(config_);
      out << "data_dir: " << (dir_ / "data").string() << "\n"
          << "server:\n  host: 127.0.0.1\n  workers: 0\n";
      if (!WithoutEdgeKeys())
        for (auto& [k, v] : keys) out << "  " << k << ": " << v << "\n";
    }
    for (const char* user : {"alice", "bob"})
      RunCommand("printf correct-battery-42 | " + EdgeTestBinary() + " user add " + user +
                 " --tenant acme --password-stdin --config " + ShellQuote(config_));
    process_ = std::make_unique<ChildProcess>(
        EdgeTestBinary(), std::vector<std::string>{"serve", "--config", config_, "--port", "0"},
        std::map<std::string, std::string>{}, log_path());
  }
  ~EdgeServer() {
    process_.reset();
    fs::remove_all(dir_);
  }
  int port() const { return process_->port(); }
  ChildProcess& process() { return *process_; }
  std::string log_path() const { return (dir_ / "server.log").string(); }
  std::string LogTail() const {
    std::string log = ReadFile(log_path());
    return log.size() > 4000 ? log.substr(log.size() - 4000) : log;
  }
  /// Logs in over a fresh connection; "" when that fails.
  std::string Token(const std::string& user) {
    auto r =
        Exchange(port(), Req("POST", "/api/v1/auth/login", {{"Content-Type", "application/json"}},
                             R"({"username":")" + user + R"(","password":"correct-battery-42"})"));
    auto j = r.Json();
    return j.is_object() && j.contains("access_token") ? j["access_token"].get<std::string>() : "";
  }
  /// Files under the object store, staging included (a leftover there is a leak too).
  size_t ObjectFiles() const {
    size_t n = 0;
    fs::path objects = dir_ / "data" / "objects";
    std::error_code ec;
    if (fs::exists(objects))
      for (auto& e : fs::recursive_directory_iterator(objects, ec))
        if (e.is_regular_file() && e.path().string().find("_probe") == std::string::npos) ++n;
    return n;
  }
  /// The user's task count from GET /api/v1/tasks; -1 when it cannot be read.
  int TaskTotal(const std::string& token) {
    auto r = Exchange(port(), Req("GET", "/api/v1/tasks", {Bearer(token)}));
    auto j = r.Json();
    return r.status == 200 && j.is_object() && j.contains("total") ? j["total"].get<int>() : -1;
  }

 private:
  fs::path dir_;
  std::string config_;
  std::unique_ptr<ChildProcess> process_;
};

// ---------------------------------------------------------------------------------------------

class HttpEdge : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { wav_ = Slurp(TestData("standup") / "meeting.wav"); }
  void SetUp() override { ASSERT_GT(wav_.size(), 100000u) << "run the `meetings` fixture"; }
  void TearDown() override {
    if (HasFailure() && server_)
      std::fprintf(stderr, "--- server log (tail) ---\n%s\n", server_->LogTail().c_str());
  }
  /// Starts the server for this test and logs alice in.
  ::testing::AssertionResult Start(const std::string& name, const Keys& keys = EdgeKeys()) {
    server_ = std::make_unique<EdgeServer>(name, keys);
    if (server_->port() <= 0)
      return ::testing::AssertionFailure() << "the server did not start:\n" << server_->LogTail();
    alice_ = server_->Token("alice");
    if (alice_.empty()) return ::testing::AssertionFailure() << "alice cannot log in";
    return ::testing::AssertionSuccess();
  }
  int port() const { return server_->port(); }
  /// A raw-body upload (Content-Length) of the test recording; the new task's id or "".
  std::string Upload(const std::string& token, RawResponse* out = nullptr) {
    auto r = Exchange(port(),
                      Req("POST", "/api/v1/tasks?title=edge",
                          {Bearer(token), {"Content-Type", "audio/wav"}}, wav_),
                      seconds(30));
    if (out) *out = r;
    auto j = r.Json();
    return r.status == 201 && j.is_object() ? j.value("id", "") : "";
  }
  /// The request head of a raw-body upload of `length` bytes.
  std::string UploadHead(const std::string& token, size_t length, const Headers& extra = {}) {
    std::string h = "POST /api/v1/tasks?title=edge HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!token.empty()) h += "Authorization: Bearer " + token + "\r\n";
    for (auto& [k, v] : extra) h += k + ": " + v + "\r\n";
    return h + "Content-Type: audio/wav\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
  }
  /// Waits up to `timeout` for the task count and the object files to be back at `tasks` and
  /// `files` (a server may finish cleaning up just after a connection ends).
  void ExpectNothingStored(int tasks, size_t files, milliseconds timeout = seconds(5)) {
    auto until = Clock::now() + timeout;
    int now_tasks = -1;
    size_t now_files = 0;
    do {
      now_tasks = server_->TaskTotal(alice_);
      now_files = server_->ObjectFiles();
      if (now_tasks == tasks && now_files == files) return;
      std::this_thread::sleep_for(milliseconds(200));
    } while (Clock::now() < until);
    EXPECT_EQ(now_tasks, tasks) << "a task was created from an incomplete body";
    EXPECT_EQ(now_files, files) << "an incomplete body left files in the object store";
  }

  static std::string wav_;
  std::unique_ptr<EdgeServer> server_;
  std::string alice_;
};
std::string HttpEdge::wav_;

/// A JSON body and an X-Request-ID header.
void ExpectJsonWithRequestId(const RawResponse& r) {
  EXPECT_TRUE(r.error.empty()) << r.Describe();
  EXPECT_EQ(r.Header("content-type").rfind("application/json", 0), 0u) << r.Describe();
  EXPECT_TRUE(r.Json().is_object()) << r.Describe();
  EXPECT_FALSE(r.Header("x-request-id").empty()) << r.Describe();
}

/// The JSON error shape {"error": {"code", "message", "request_id"}}, its request id the
/// X-Request-ID header's.
void ExpectJsonError(const RawResponse& r, int status) {
  ASSERT_EQ(r.status, status) << r.Describe();
  ExpectJsonWithRequestId(r);
  auto j = r.Json();
  ASSERT_TRUE(j.is_object() && j.contains("error") && j["error"].is_object()) << r.Describe();
  EXPECT_TRUE(j["error"].contains("code")) << r.Describe();
  EXPECT_TRUE(j["error"].contains("message")) << r.Describe();
  ASSERT_TRUE(j["error"].contains("request_id") && j["error"]["request_id"].is_string())
      << r.Describe();
  EXPECT_FALSE(j["error"]["request_id"].get<std::string>().empty()) << r.Describe();
  EXPECT_EQ(j["error"]["request_id"], r.Header("x-request-id")) << r.Describe();
}

/// The comma-separated tokens of a header such as Allow or Connection, upper-cased.
std::set<std::string> Tokens(const std::string& value) {
  std::set<std::string> out;
  std::stringstream ss(value);
  std::string t;
  while (std::getline(ss, t, ',')) {
    t = Trim(t);
    for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!t.empty()) out.insert(t);
  }
  return out;
}

// 1. A chunked multipart upload (odd chunk sizes, a chunk extension, an epilogue after the
// closing boundary), then two more requests on the same connection. Ten times: the old edge
// broke the connection after one such upload in three to six.
TEST_F(HttpEdge, ChunkedMultipartUploadThenMoreRequestsOnTheSameConnection) {
  ASSERT_TRUE(Start("chunked"));
  const std::string boundary = "edge-Boundary-7MA4YWxkTrZu0gW";
  const std::vector<std::vector<size_t>> patterns = {
      {1, 7, 333, 4093, 65521}, {3, 8191, 17, 100003, 2}, {65536, 5, 1021, 1, 31}};
  for (int i = 0; i < 10; ++i) {
    SCOPED_TRACE("upload " + std::to_string(i + 1) + " of 10");
    Conn c(port());
    ASSERT_TRUE(c.ok()) << c.error();
    std::string head = "POST /api/v1/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                       alice_ + "\r\nContent-Type: multipart/form-data; boundary=" + boundary +
                       "\r\nTransfer-Encoding: chunked\r\n\r\n";
    std::string body =
        Chunked(Multipart(boundary, "chunked " + std::to_string(i), wav_), patterns[i % 3]);
    bool sent = c.Send(head);
    // The body in pieces that do not line up with the chunks, as a streaming client writes.
    for (size_t off = 0; sent && off < body.size(); off += 150001)
      sent = c.Send(std::string_view(body).substr(off, 150001));
    auto up = c.Read(seconds(30));
    ASSERT_TRUE(sent) << c.error() << up.Describe();
    ASSERT_EQ(up.status, 201) << up.Describe();
    ExpectJsonWithRequestId(up);
    std::string id = up.Json().value("id", "");
    ASSERT_FALSE(id.empty()) << up.Describe();
    EXPECT_TRUE(c.buffered().empty()) << "bytes after the response: " << Printable(c.buffered());

    ASSERT_TRUE(c.Send(Req("GET", "/api/v1/tasks/" + id, {Bearer(alice_)}))) << c.error();
    auto task = c.Read();
    ASSERT_EQ(task.status, 200) << task.Describe();
    ExpectJsonWithRequestId(task);
    EXPECT_EQ(task.Json().value("id", ""), id) << task.Describe();
    EXPECT_EQ(task.Json().value("title", ""), "chunked " + std::to_string(i)) << task.Describe();

    ASSERT_TRUE(c.Send(Req("GET", "/health"))) << c.error();
    auto health = c.Read();
    ASSERT_EQ(health.status, 200) << health.Describe();
    ExpectJsonWithRequestId(health);
    EXPECT_EQ(health.Json().value("status", ""), "ok") << health.Describe();
  }
}

// 2. A POST with neither Content-Length nor Transfer-Encoding: 411 at once, not after a read
// timeout.
TEST_F(HttpEdge, PostWithoutLengthGets411AtOnce) {
  ASSERT_TRUE(Start("no-length"));
  for (const std::string target : {"/api/v1/tasks", "/api/v1/auth/login"}) {
    SCOPED_TRACE(target);
    Conn c(port());
    ASSERT_TRUE(c.ok()) << c.error();
    auto t0 = Clock::now();
    ASSERT_TRUE(c.Send("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                       alice_ + "\r\nContent-Type: audio/wav\r\n\r\n"));
    auto r = c.Read(seconds(5));
    double ms = MsSince(t0);
    ExpectJsonError(r, 411);
    EXPECT_LT(ms, 1000) << "411 took " << ms << " ms";
  }
}

// 3. A method a path does not have: 405 with Allow; the refused request's body is skipped and
// the connection goes on.
TEST_F(HttpEdge, WrongMethodGets405WithAllow) {
  ASSERT_TRUE(Start("allow"));
  Conn c(port());
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_TRUE(c.Send(Req("DELETE", "/health")));
  auto health = c.Read();
  ExpectJsonError(health, 405);
  auto allow = Tokens(health.Header("allow"));
  EXPECT_TRUE(allow.count("GET")) << health.Describe();
  EXPECT_FALSE(allow.count("DELETE")) << health.Describe();

  ASSERT_TRUE(
      c.Send(Req("PUT", "/api/v1/tasks", {Bearer(alice_), {"Content-Type", "application/json"}},
                 R"({"title":"not here"})")));
  auto tasks = c.Read();
  ExpectJsonError(tasks, 405);
  allow = Tokens(tasks.Header("allow"));
  EXPECT_TRUE(allow.count("GET") && allow.count("POST")) << tasks.Describe();
  EXPECT_FALSE(allow.count("PUT")) << tasks.Describe();

  ASSERT_TRUE(c.Send(Req("GET", "/health"))) << c.error();
  auto next = c.Read();
  EXPECT_EQ(next.status, 200) << next.Describe();
}

// 4. 201 Created says where the task is.
TEST_F(HttpEdge, CreatedTaskHasLocation) {
  ASSERT_TRUE(Start("location"));
  RawResponse up;
  std::string id = Upload(alice_, &up);
  ASSERT_FALSE(id.empty()) << up.Describe();
  EXPECT_EQ(up.Header("location"), "/api/v1/tasks/" + id) << up.Describe();
  EXPECT_EQ(up.Count("location"), 1) << up.Describe();
}

// 5. 204 No Content: no body bytes, no Content-Type, no Content-Length, and the connection is
// still good.
TEST_F(HttpEdge, NoContentHasNoBodyAndKeepsTheConnection) {
  ASSERT_TRUE(Start("no-content"));
  std::string task = Upload(alice_);
  ASSERT_FALSE(task.empty());
  Conn c(port());
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_TRUE(c.Send(Req("POST", "/api/v1/hotword-sets",
                         {Bearer(alice_), {"Content-Type", "application/json"}},
                         R"({"name":"edge","words":["alpha","beta"]})")));
  auto created = c.Read();
  ASSERT_EQ(created.status, 201) << created.Describe();
  std::string set = created.Json().value("id", "");
  ASSERT_FALSE(set.empty()) << created.Describe();
  // A queued task: the first DELETE cancels it (202), the second removes it (204).
  ASSERT_TRUE(c.Send(Req("DELETE", "/api/v1/tasks/" + task, {Bearer(alice_)})));
  auto cancel = c.Read();
  ASSERT_EQ(cancel.status, 202) << cancel.Describe();

  for (const std::string& path : {"/api/v1/hotword-sets/" + set, "/api/v1/tasks/" + task}) {
    SCOPED_TRACE("DELETE " + path);
    ASSERT_TRUE(c.Send(Req("DELETE", path, {Bearer(alice_)}))) << c.error();
    auto gone = c.Read();
    ASSERT_EQ(gone.status, 204) << gone.Describe();
    EXPECT_FALSE(gone.Has("content-type")) << gone.Describe();
    EXPECT_FALSE(gone.Has("content-length")) << gone.Describe();  // RFC 9110 §8.6
    EXPECT_FALSE(gone.Has("transfer-encoding")) << gone.Describe();
    EXPECT_FALSE(gone.Header("x-request-id").empty()) << gone.Describe();
    EXPECT_TRUE(c.QuietFor(milliseconds(300)))
        << "bytes after a 204: " << Printable(c.buffered()) << (c.closed() ? " (closed)" : "");
    ASSERT_TRUE(c.Send(Req("GET", "/health"))) << c.error();
    auto next = c.Read();
    EXPECT_EQ(next.status, 200) << next.Describe();
    ExpectJsonWithRequestId(next);
  }
}

// 6. HEAD: the status and Content-Length of GET, and not one byte of body (the GET that follows
// on the same connection would be misread otherwise).
TEST_F(HttpEdge, HeadMatchesGetWithoutABody) {
  ASSERT_TRUE(Start("head"));
  std::string id = Upload(alice_);
  ASSERT_FALSE(id.empty());
  Conn c(port());
  ASSERT_TRUE(c.ok()) << c.error();
  for (const std::string& path : {std::string("/health"), "/api/v1/tasks/" + id}) {
    SCOPED_TRACE("HEAD " + path);
    ASSERT_TRUE(c.Send(Req("HEAD", path, {Bearer(alice_)}))) << c.error();
    auto head = c.Read(seconds(10), /*head_request=*/true);
    ASSERT_TRUE(head.error.empty()) << head.Describe();
    EXPECT_TRUE(c.QuietFor(milliseconds(300)))
        << "body bytes after a HEAD response: " << Printable(c.buffered());
    ASSERT_TRUE(c.Send(Req("GET", path, {Bearer(alice_)}))) << c.error();
    auto get = c.Read();
    ASSERT_EQ(get.status, 200) << get.Describe();
    EXPECT_EQ(head.status, get.status) << head.Describe();
    ASSERT_TRUE(head.Has("content-length")) << head.Describe();
    EXPECT_EQ(head.Header("content-length"), get.Header("content-length")) << head.Describe();
    EXPECT_EQ(head.Header("content-length"), std::to_string(get.body.size())) << get.Describe();
    EXPECT_EQ(head.Header("content-type"), get.Header("content-type")) << head.Describe();
  }
}

// 7. Expect: 100-continue: "100 Continue" before the body is read, then 201; an unauthenticated
// request gets its 401 instead of a 100, with Connection: close.
TEST_F(HttpEdge, ExpectContinue) {
  ASSERT_TRUE(Start("continue"));
  {
    Conn c(port());
    ASSERT_TRUE(c.ok()) << c.error();
    ASSERT_TRUE(c.Send(UploadHead(alice_, wav_.size(), {{"Expect", "100-continue"}})));
    auto interim = c.Read(seconds(3));
    ASSERT_EQ(interim.status, 100) << interim.Describe();
    EXPECT_TRUE(c.QuietFor(milliseconds(200)))
        << "a final response before the body was sent: " << Printable(c.buffered());
    ASSERT_TRUE(c.Send(wav_)) << c.error();
    auto done = c.Read(seconds(30));
    EXPECT_EQ(done.status, 201) << done.Describe();
    ExpectJsonWithRequestId(done);
  }
  {
    size_t files = server_->ObjectFiles();
    Conn c(port());
    ASSERT_TRUE(c.ok()) << c.error();
    ASSERT_TRUE(c.Send(UploadHead("", wav_.size(), {{"Expect", "100-continue"}})));
    auto refused = c.Read(seconds(3));
    ExpectJsonError(refused, 401);
    EXPECT_TRUE(Tokens(refused.Header("connection")).count("CLOSE")) << refused.Describe();
    EXPECT_TRUE(c.ClosedWithin(seconds(3))) << "the server kept the connection after a refused "
                                               "Expect: 100-continue";
    EXPECT_EQ(server_->ObjectFiles(), files);
  }
}

// 8. Pipelining: requests written in one send() are answered in order.
TEST_F(HttpEdge, PipelinedRequestsAreAnsweredInOrder) {
  ASSERT_TRUE(Start("pipeline"));
  Conn c(port());
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_TRUE(
      c.Send(Req("GET", "/health", {{"X-Request-ID", "pipe-1"}}) +
             Req("GET", "/api/v1/tasks?page_size=1", {Bearer(alice_), {"X-Request-ID", "pipe-2"}}) +
             Req("GET", "/api/v1/me", {Bearer(alice_), {"X-Request-ID", "pipe-3"}})));
  auto r1 = c.Read(), r2 = c.Read(), r3 = c.Read();
  EXPECT_EQ(r1.status, 200) << r1.Describe();
  EXPECT_EQ(r1.Header("x-request-id"), "pipe-1") << r1.Describe();
  EXPECT_EQ(r1.Json().value("status", ""), "ok") << r1.Describe();
  EXPECT_EQ(r2.status, 200) << r2.Describe();
  EXPECT_EQ(r2.Header("x-request-id"), "pipe-2") << r2.Describe();
  EXPECT_TRUE(r2.Json().contains("items")) << r2.Describe();
  EXPECT_EQ(r3.status, 200) << r3.Describe();
  EXPECT_EQ(r3.Header("x-request-id"), "pipe-3") << r3.Describe();
  EXPECT_EQ(r3.Json().value("username", ""), "alice") << r3.Describe();

  // And with a request body in the middle of the pipeline.
  ASSERT_TRUE(c.Send(Req("GET", "/health", {{"X-Request-ID", "pipe-4"}}) +
                     Req("POST", "/api/v1/auth/login",
                         {{"Content-Type", "application/json"}, {"X-Request-ID", "pipe-5"}},
                         R"({"username":"bob","password":"correct-battery-42"})") +
                     Req("GET", "/health", {{"X-Request-ID", "pipe-6"}})));
  auto r4 = c.Read(), r5 = c.Read(), r6 = c.Read();
  EXPECT_EQ(r4.Header("x-request-id"), "pipe-4") << r4.Describe();
  EXPECT_EQ(r5.status, 200) << r5.Describe();
  EXPECT_EQ(r5.Header("x-request-id"), "pipe-5") << r5.Describe();
  EXPECT_TRUE(r5.Json().contains("access_token")) << r5.Describe();
  EXPECT_EQ(r6.status, 200) << r6.Describe();
  EXPECT_EQ(r6.Header("x-request-id"), "pipe-6") << r6.Describe();
}

// 9. A body cut short (half of its Content-Length, or a chunked multipart body without its end)
// leaves no task and no file behind.
TEST_F(HttpEdge, TruncatedBodiesLeaveNothing) {
  ASSERT_TRUE(Start("truncated"));
  int tasks = server_->TaskTotal(alice_);
  ASSERT_GE(tasks, 0);
  size_t files = server_->ObjectFiles();
  std::string half = wav_.substr(0, wav_.size() / 2);
  {
    SCOPED_TRACE("Content-Length, then shutdown(SHUT_WR)");
    Conn c(port());
    ASSERT_TRUE(c.ok()) << c.error();
    ASSERT_TRUE(c.Send(UploadHead(alice_, wav_.size()) + half));
    std::this_thread::sleep_for(milliseconds(200));
    c.ShutdownWrite();
    auto r = c.Read(seconds(5));
    EXPECT_NE(r.status, 201) << r.Describe();
  }
  {
    SCOPED_TRACE("Content-Length, then close()");
    Conn c(port());
    ASSERT_TRUE(c.ok()) << c.error();
    ASSERT_TRUE(c.Send(UploadHead(alice_, wav_.size()) + half));
    std::this_thread::sleep_for(milliseconds(200));
  }
  const std::string boundary = "edge-cut-boundary";
  std::string multipart_head =
      "POST /api/v1/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice_ +
      "\r\nContent-Type: multipart/form-data; boundary=" + boundary +
      "\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string multipart = Multipart(boundary, "cut", wav_);
  {
    SCOPED_TRACE("chunked multipart cut in the middle of the file, then shutdown(SHUT_WR)");
    Conn c(port());
    ASSERT_TRUE(c.ok()) << c.error();
    ASSERT_TRUE(
        c.Send(multipart_head + Chunked(std::string_view(multipart).substr(0, multipart.size() / 2),
                                        {4093, 777}, /*last=*/false)));
    std::this_thread::sleep_for(milliseconds(200));
    c.ShutdownWrite();
    auto r = c.Read(seconds(5));
    EXPECT_NE(r.status, 201) << r.Describe();
  }
  {
    SCOPED_TRACE("chunked multipart cut inside a chunk, then close()");
    Conn c(port());
    ASSERT_TRUE(c.ok()) << c.error();
    std::string body = Chunked(multipart, {65536});
    ASSERT_TRUE(c.Send(multipart_head + body.substr(0, body.size() / 2 + 11)));
    std::this_thread::sleep_for(milliseconds(200));
  }
  {
    SCOPED_TRACE("chunked framing complete, multipart without its closing boundary");
    Conn c(port());
    ASSERT_TRUE(c.ok()) << c.error();
    ASSERT_TRUE(c.Send(multipart_head +
                       Chunked(Multipart(boundary, "cut", half, /*close=*/false), {8192})));
    auto r = c.Read(seconds(10));
    ExpectJsonError(r, 400);
  }
  ExpectNothingStored(tasks, files);
}

// 10. A body that stops coming: the connection is closed after body_idle_timeout_s (2 s), and
// nothing is stored.
TEST_F(HttpEdge, IdleBodyIsCutAfterTheBodyIdleTimeout) {
  ASSERT_TRUE(Start("body-idle"));
  int tasks = server_->TaskTotal(alice_);
  size_t files = server_->ObjectFiles();
  Conn c(port());
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_TRUE(c.Send(UploadHead(alice_, wav_.size()) + wav_.substr(0, 100000)));
  auto t0 = Clock::now();
  std::string got;
  bool closed = c.ClosedWithin(seconds(10), &got);
  double ms = MsSince(t0);
  ASSERT_TRUE(closed) << "still open after 10 s of a silent body";
  EXPECT_LE(ms, 4000) << "closed after " << ms << " ms (body_idle_timeout_s: 2)";
  EXPECT_GE(ms, 1500) << "closed after " << ms << " ms, before body_idle_timeout_s (2 s)";
  EXPECT_EQ(got.find(" 201 "), std::string::npos) << Printable(got);
  ExpectNothingStored(tasks, files);
}

// 11. Slowloris: an unfinished request head is cut at header_timeout_s (2 s), also when it
// trickles in a byte at a time (a deadline for the whole head, not an idle timer).
TEST_F(HttpEdge, SlowRequestHeadIsCutAtTheHeaderTimeout) {
  ASSERT_TRUE(Start("slowloris"));
  {
    SCOPED_TRACE("half a header, then silence");
    Conn c(port());
    ASSERT_TRUE(c.ok()) << c.error();
    ASSERT_TRUE(c.Send("GET /health HTTP/1.1\r\nHo"));
    auto t0 = Clock::now();
    std::string got;
    bool closed = c.ClosedWithin(seconds(10), &got);
    double ms = MsSince(t0);
    EXPECT_TRUE(closed) << "still open after 10 s";
    if (closed) {
      EXPECT_LE(ms, 4000) << "closed after " << ms << " ms (header_timeout_s: 2)";
    }
    EXPECT_EQ(got.find(" 200 "), std::string::npos) << Printable(got);
  }
  {
    SCOPED_TRACE("one byte every 500 ms");
    Conn c(port());
    ASSERT_TRUE(c.ok()) << c.error();
    std::string head =
        "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(60, 'a') + "\r\n\r\n";
    auto t0 = Clock::now();
    bool closed = false;
    for (size_t i = 0; i < head.size() && !closed && MsSince(t0) < 15000; ++i) {
      if (!c.Send(head.substr(i, 1))) {
        closed = true;
        break;
      }
      auto next = Clock::now() + milliseconds(500);
      while (!closed && Clock::now() < next) closed = c.Fill(next) == Conn::Got::kClosed;
    }
    double ms = MsSince(t0);
    EXPECT_TRUE(closed) << "a head trickling in was still being read after " << ms << " ms";
    if (closed) {
      EXPECT_LE(ms, 4000) << "cut after " << ms << " ms (header_timeout_s: 2)";
    }
    EXPECT_EQ(c.buffered().find(" 200 "), std::string::npos) << Printable(c.buffered());
  }
}

// 12. Too large a head: 431; too long a request line: 414; both JSON errors. Just under the
// limits is fine.
TEST_F(HttpEdge, OversizedHeadsGet431And414) {
  ASSERT_TRUE(Start("oversized"));
  auto many = [](int n) {
    Headers h;
    for (int i = 0; i < n; ++i)
      h.emplace_back("X-Fill-" + std::to_string(i), std::string(500, 'h'));
    return h;
  };
  auto fine = Exchange(port(), Req("GET", "/health", many(16)));
  EXPECT_EQ(fine.status, 200) << "8 KiB of headers are within max_header_bytes" << fine.Describe();
  auto many_headers = Exchange(port(), Req("GET", "/health", many(40)));
  ExpectJsonError(many_headers, 431);
  auto one_header = Exchange(port(), Req("GET", "/health", {{"X-Big", std::string(20000, 'b')}}));
  ExpectJsonError(one_header, 431);
  auto long_ok = Exchange(port(), Req("GET", "/health?pad=" + std::string(4000, 'a')));
  EXPECT_EQ(long_ok.status, 200) << "a 4 KB request line is within max_request_line_bytes"
                                 << long_ok.Describe();
  auto long_line = Exchange(port(), Req("GET", "/health?pad=" + std::string(9000, 'a')));
  ExpectJsonError(long_line, 414);
  EXPECT_EQ(Exchange(port(), Req("GET", "/health")).status, 200);
}

// 13. API responses, errors included, say Cache-Control: no-store and
// X-Content-Type-Options: nosniff, once each.
TEST_F(HttpEdge, ApiResponsesCarrySecurityHeaders) {
  ASSERT_TRUE(Start("security-headers"));
  struct Case {
    std::string what;
    RawResponse r;
    int status;
  };
  std::vector<Case> cases = {
      {"list", Exchange(port(), Req("GET", "/api/v1/tasks", {Bearer(alice_)})), 200},
      {"not found", Exchange(port(), Req("GET", "/api/v1/tasks/nope", {Bearer(alice_)})), 404},
      {"unauthenticated", Exchange(port(), Req("GET", "/api/v1/tasks")), 401}};
  for (auto& [what, r, status] : cases) {
    SCOPED_TRACE(what);
    EXPECT_EQ(r.status, status) << r.Describe();
    EXPECT_EQ(r.Count("cache-control"), 1) << r.Describe();
    EXPECT_TRUE(Tokens(r.Header("cache-control")).count("NO-STORE")) << r.Describe();
    EXPECT_EQ(r.Count("x-content-type-options"), 1) << r.Describe();
    EXPECT_EQ(Lower(r.Header("x-content-type-options")), "nosniff") << r.Describe();
  }
}

// 14. max_connections_per_client: 20 idle connections from 127.0.0.1 are all the address gets
// (the 21st: 429 or closed), while 127.0.0.2 is served; a freed slot can be used again.
TEST_F(HttpEdge, ConnectionsPerClientAreLimited) {
  ASSERT_TRUE(Start("per-client", EdgeKeys({{"max_connections_per_client", "20"},
                                            {"header_timeout_s", "30"},
                                            {"keepalive_timeout_s", "30"}})));
  std::this_thread::sleep_for(milliseconds(200));  // the login's connection is gone
  std::vector<std::unique_ptr<Conn>> idle;
  for (int i = 0; i < 20; ++i) {
    idle.push_back(std::make_unique<Conn>(port(), "127.0.0.1"));
    ASSERT_TRUE(idle.back()->ok()) << idle.back()->error();
  }
  std::this_thread::sleep_for(milliseconds(300));  // all accepted
  {
    Conn extra(port(), "127.0.0.1");
    if (extra.ok()) {                     // refused at connect() is fine too
      extra.Send(Req("GET", "/health"));  // it may have been answered and closed already
      auto r = extra.Read(seconds(5));
      EXPECT_NE(r.status, 200) << "the 21st connection from 127.0.0.1 was served" << r.Describe();
      if (r.status != 0 && r.status != 200) ExpectJsonError(r, 429);
    }
  }
  Conn other(port(), "127.0.0.2");
  ASSERT_TRUE(other.ok()) << other.error();
  ASSERT_TRUE(other.Send(Req("GET", "/health")));
  auto served = other.Read(seconds(2));
  EXPECT_EQ(served.status, 200) << "127.0.0.2 was refused" << served.Describe();
  // The 20 are real, usable connections: each asks and is answered.
  for (size_t i = 0; i < idle.size(); ++i) {
    idle[i]->Send(Req("GET", "/health"));
    auto r = idle[i]->Read(seconds(2));
    EXPECT_EQ(r.status, 200) << "idle connection " << i + 1 << " of 20" << r.Describe();
  }
  // A slot freed is a slot to use.
  idle.pop_back();
  auto until = Clock::now() + seconds(3);
  RawResponse again;
  do {
    Conn c(port(), "127.0.0.1");
    if (c.ok() && c.Send(Req("GET", "/health"))) again = c.Read(seconds(2));
    if (again.status == 200) break;
    std::this_thread::sleep_for(milliseconds(200));
  } while (Clock::now() < until);
  EXPECT_EQ(again.status, 200) << "no connection from 127.0.0.1 after one was closed"
                               << again.Describe();
}

// Reads Server-Sent Events lines off a stream whose head has been read.
class SseLines {
 public:
  explicit SseLines(Conn& c) : c_(c) {}
  /// The next line (without CR/LF) and when it arrived; nullopt at the deadline or the end.
  std::optional<std::pair<std::string, Clock::time_point>> Next(Clock::time_point deadline) {
    for (;;) {
      size_t eol = text_.find('\n');
      if (eol != std::string::npos) {
        std::string line = text_.substr(0, eol);
        text_.erase(0, eol + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return std::make_pair(line, arrived_);
      }
      if (ended_) return std::nullopt;
      size_t before = text_.size();
      Conn::Got g = c_.ReadBodySome(deadline, &text_);
      arrived_ = Clock::now();
      if (g == Conn::Got::kEnd) ended_ = true;
      // The last lines may come in the same read as the end of the body: hand them out first.
      if (g != Conn::Got::kData && !(ended_ && text_.size() > before)) return std::nullopt;
    }
  }
  bool ended() const { return ended_; }

 private:
  Conn& c_;
  std::string text_;
  Clock::time_point arrived_;
  bool ended_ = false;
};

// 15a. SSE: retry and a progress event at once, heartbeat comments every sse_heartbeat_s (1 s)
// on a quiet stream, and a done event (and a properly ended body) when the task ends.
TEST_F(HttpEdge, EventStreamHasProgressHeartbeatsAndDone) {
  ASSERT_TRUE(Start("sse"));
  std::string id = Upload(alice_);
  ASSERT_FALSE(id.empty());
  Conn c(port());
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_TRUE(c.Send(Req("GET", "/api/v1/tasks/" + id + "/events", {Bearer(alice_)})));
  auto head = c.ReadHead(Clock::now() + seconds(5));
  ASSERT_EQ(head.status, 200) << head.Describe();
  EXPECT_EQ(head.Header("content-type").rfind("text/event-stream", 0), 0u) << head.Describe();
  SseLines lines(c);
  bool retry = false;
  std::string event;
  std::optional<Clock::time_point> progress_at;
  std::vector<Clock::time_point> beats;
  auto quiet_until = Clock::now() + seconds(6);
  while (auto l = lines.Next(quiet_until)) {
    auto& [line, at] = *l;
    if (line.rfind("retry:", 0) == 0 && !progress_at) retry = true;
    if (line.rfind("event:", 0) == 0) event = Trim(line.substr(6));
    if (line.rfind("data:", 0) == 0 && event == "progress" && !progress_at) {
      auto j = nlohmann::json::parse(Trim(line.substr(5)), nullptr, false);
      EXPECT_EQ(j.value("state", ""), "queued") << line;
      progress_at = at;
      quiet_until = at + milliseconds(3600);  // room for three beats at 1 s
    }
    if (line.rfind(":", 0) == 0 && progress_at) beats.push_back(at);
  }
  EXPECT_TRUE(retry) << "no retry: field before the first event";
  ASSERT_TRUE(progress_at) << "no progress event";
  ASSERT_GE(beats.size(), 2u) << "heartbeats in 3.6 s of a quiet stream (sse_heartbeat_s: 1)";
  EXPECT_LE(std::chrono::duration<double>(beats[0] - *progress_at).count(), 2.0);
  for (size_t i = 1; i < beats.size(); ++i)
    EXPECT_LE(std::chrono::duration<double>(beats[i] - beats[i - 1]).count(), 2.0);

  // The task ends (canceled): a done event, then the end of the body.
  auto cancel = Exchange(port(), Req("DELETE", "/api/v1/tasks/" + id, {Bearer(alice_)}));
  ASSERT_EQ(cancel.status, 202) << cancel.Describe();
  std::string done;
  auto deadline = Clock::now() + seconds(5);
  while (auto l = lines.Next(deadline)) {
    if (l->first.rfind("event:", 0) == 0) event = Trim(l->first.substr(6));
    if (l->first.rfind("data:", 0) == 0 && event == "done") {
      done = Trim(l->first.substr(5));
      break;
    }
  }
  ASSERT_FALSE(done.empty()) << "no done event within 5 s of the task ending";
  EXPECT_EQ(nlohmann::json::parse(done, nullptr, false).value("state", ""), "canceled") << done;
  while (lines.Next(Clock::now() + seconds(3))) {
  }
  EXPECT_TRUE(lines.ended() || c.closed()) << "the stream did not end after its done event";
}

// 15b. max_streams_per_user (3): a user's 4th concurrent stream gets 429, another user's does
// not; when one closes, a new one is accepted.
TEST_F(HttpEdge, EventStreamsPerUserAreLimited) {
  ASSERT_TRUE(Start("sse-limit"));
  std::string id = Upload(alice_);
  ASSERT_FALSE(id.empty());
  std::string path = "/api/v1/tasks/" + id + "/events";
  std::vector<std::unique_ptr<Conn>> streams;
  for (int i = 0; i < 3; ++i) {
    streams.push_back(std::make_unique<Conn>(port()));
    ASSERT_TRUE(streams.back()->Send(Req("GET", path, {Bearer(alice_)})));
    auto head = streams.back()->ReadHead(Clock::now() + seconds(5));
    ASSERT_EQ(head.status, 200) << "stream " << i + 1 << head.Describe();
  }
  auto fourth = Exchange(port(), Req("GET", path, {Bearer(alice_)}), seconds(3));
  ExpectJsonError(fourth, 429);
  // Another user of the same tenant has streams of their own.
  Conn bob(port());
  ASSERT_TRUE(bob.Send(Req("GET", path, {Bearer(server_->Token("bob"))})));
  auto bob_head = bob.ReadHead(Clock::now() + seconds(5));
  EXPECT_EQ(bob_head.status, 200) << bob_head.Describe();

  streams.pop_back();
  auto until = Clock::now() + seconds(5);
  RawResponse again;
  std::unique_ptr<Conn> c;
  do {
    c = std::make_unique<Conn>(port());
    if (c->Send(Req("GET", path, {Bearer(alice_)}))) again = c->ReadHead(Clock::now() + seconds(3));
    if (again.status == 200) break;
    std::this_thread::sleep_for(milliseconds(250));
  } while (Clock::now() < until);
  EXPECT_EQ(again.status, 200) << "no new stream within 5 s of closing one" << again.Describe();
}

// 16. SIGTERM: a request in flight whose body completes within drain_timeout_s (5 s) gets its
// response; the process exits within drain_timeout_s + 3 s even with an upload stalled and an
// idle keep-alive connection open.
TEST_F(HttpEdge, GracefulShutdownFinishesRequestsInFlight) {
  ASSERT_TRUE(Start("drain", EdgeKeys({{"drain_timeout_s", "5"},
                                       {"body_idle_timeout_s", "30"},
                                       {"keepalive_timeout_s", "30"}})));
  Conn keepalive(port());
  ASSERT_TRUE(keepalive.Send(Req("GET", "/health")));
  ASSERT_EQ(keepalive.Read().status, 200);
  Conn stalled(port());
  ASSERT_TRUE(stalled.Send(UploadHead(alice_, wav_.size()) + wav_.substr(0, 1000)));
  Conn upload(port());
  size_t half = wav_.size() / 2;
  ASSERT_TRUE(upload.Send(UploadHead(alice_, wav_.size()) + wav_.substr(0, half)));
  std::this_thread::sleep_for(milliseconds(300));

  ASSERT_EQ(::kill(server_->process().pid(), SIGTERM), 0);
  auto t0 = Clock::now();
  std::this_thread::sleep_for(milliseconds(500));
  ASSERT_TRUE(upload.Send(std::string_view(wav_).substr(half))) << upload.error();
  auto r = upload.Read(seconds(10));
  EXPECT_EQ(r.status, 201) << "the upload in flight was not finished" << r.Describe();
  ExpectJsonWithRequestId(r);

  int code = server_->process().Kill(0, seconds(15));  // signal 0: just wait
  double s = MsSince(t0) / 1000;
  EXPECT_NE(code, -1) << "still running 15 s after SIGTERM";
  EXPECT_EQ(code, 0);
  EXPECT_LE(s, 8.0) << "exited " << s << " s after SIGTERM (drain_timeout_s: 5)";
}

// An independent client: Go's net/http streams chunked multipart uploads over one keep-alive
// connection and reads each task and /health after it (tests/tools/go-client).
TEST_F(HttpEdge, GoClientStreamsChunkedUploadsOverOneConnection) {
  ASSERT_TRUE(Start("go-client"));
  fs::path out = fs::temp_directory_path() / ("minutes-edge-go-" + std::to_string(getpid()));
  fs::create_directories(out);
  std::string env = "GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GOCACHE=" +
                    ShellQuote((BinaryDir() / "go-build-cache").string()) +
                    " GOPATH=" + ShellQuote((BinaryDir() / "go-path").string());
  auto build =
      RunCommand("cd " + ShellQuote(SourcePath("tests/tools/go-client").string()) + " && " + env +
                 " go build -o " + ShellQuote((out / "go-client").string()) + " .");
  ASSERT_EQ(build.exit_code, 0) << "go build failed (golang-go installed?):\n" << build.output;
  auto run = RunCommand(ShellQuote((out / "go-client").string()) + " -url http://127.0.0.1:" +
                        std::to_string(port()) + " -token " + ShellQuote(alice_) + " -file " +
                        ShellQuote((TestData("standup") / "meeting.wav").string()) + " -n 20");
  fs::remove_all(out);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("20 uploads"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace minutes
