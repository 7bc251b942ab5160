// Load generator for bench/edge-bench.sh: hostile and normal clients of `minutes serve`.
//
//   edge_load hold  --port P --token JWT --task ID [--idle N] [--slow M] [--sse K]
//                   [--sources 2-250] [--ramp 2000] [--every 5] [--reconnect-ms 1000]
//                   [--sse-read-ms 1000] [--seconds S]
//     Holds N idle connections (connect, send nothing), M slow-body senders (an authenticated
//     POST /api/v1/tasks announcing 100 MB of audio/wav, then 1 byte a second) and K Server-Sent
//     Event streams (GET /api/v1/tasks/{id}/events, read 256 bytes at a time, one read a second).
//     Each one reconnects --reconnect-ms after the server closes it or a connect fails, and is
//     counted. The connections come from 127.0.0.LO..HI (--sources), so a normal client on
//     127.0.0.1 is a different client to the server. A status line (key=value) every --every s,
//     until SIGINT/SIGTERM or --seconds.
//
//   edge_load probe --port P [--path /health] [--count 200] [--rate 20] [--timeout 5]
//     A normal client: --count GETs, each on a fresh connection from 127.0.0.1, started --rate a
//     second whatever the earlier ones are doing (open loop), each given --timeout s for the
//     whole exchange. Prints `probes=… ok=… failed=… timed_out=… p50_ms=… p99_ms=… max_ms=…`
//     (timed_out: the part of failed that ran out of time rather than being refused or cut); a
//     probe that failed counts as slower than any that succeeded, so a percentile that lands on
//     one prints "fail".
//
// One thread, Boost.Asio C++20 coroutines; RLIMIT_NOFILE raised to its hard limit.
// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange unincluded
// clang-format on
#include <netinet/in.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Options {
  std::string mode, host = "127.0.0.1", token, task, path = "/health";
  int port = 0, idle = 0, slow = 0, sse = 0, src_lo = 2, src_hi = 250, ramp = 2000, every = 5;
  int reconnect_ms = 1000, sse_read_ms = 1000, seconds = 0, count = 200, rate = 20;
  double timeout_s = 5;
  int64_t slow_length = 100 * 1024 * 1024;
};

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(stderr,
               "edge_load: %s\nusage: edge_load hold --port P --token JWT --task ID [--idle N] "
               "[--slow M] [--sse K] [--sources LO-HI] [--ramp PER_S] [--every S] "
               "[--reconnect-ms MS] [--sse-read-ms MS] [--seconds S]\n"
               "       edge_load probe --port P [--path /health] [--count N] [--rate PER_S] "
               "[--timeout S]\n",
               why.c_str());
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  if (argc < 2) Usage("no mode");
  o.mode = argv[1];
  if (o.mode != "hold" && o.mode != "probe") Usage("unknown mode " + o.mode);
  const std::map<std::string, std::string*> strings = {
      {"--host", &o.host}, {"--token", &o.token}, {"--task", &o.task}, {"--path", &o.path}};
  const std::map<std::string, int*> ints = {{"--port", &o.port},
                                            {"--idle", &o.idle},
                                            {"--slow", &o.slow},
                                            {"--sse", &o.sse},
                                            {"--ramp", &o.ramp},
                                            {"--every", &o.every},
                                            {"--count", &o.count},
                                            {"--rate", &o.rate},
                                            {"--reconnect-ms", &o.reconnect_ms},
                                            {"--seconds", &o.seconds},
                                            {"--sse-read-ms", &o.sse_read_ms}};
  for (int i = 2; i < argc; i += 2) {
    std::string k = argv[i];
    if (i + 1 >= argc) Usage(k + " needs a value");
    std::string v = argv[i + 1];
    char* end = nullptr;
    if (auto s = strings.find(k); s != strings.end()) {
      *s->second = v;
    } else if (auto n = ints.find(k); n != ints.end()) {
      long x = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || x < 0 || x > 1000000) Usage(k + ": not a count: " + v);
      *n->second = static_cast<int>(x);
    } else if (k == "--timeout") {
      o.timeout_s = std::strtod(v.c_str(), &end);
      if (v.empty() || *end || o.timeout_s <= 0) Usage(k + ": not a number of seconds: " + v);
    } else if (k == "--sources") {
      if (std::sscanf(v.c_str(), "%d-%d", &o.src_lo, &o.src_hi) != 2 || o.src_lo < 1 ||
          o.src_hi > 254 || o.src_lo > o.src_hi)
        Usage("--sources: expected LO-HI within 1-254, got " + v);
    } else {
      Usage("unknown option " + k);
    }
  }
  if (o.port <= 0 || o.port > 65535) Usage("--port is required");
  if (o.ramp < 1 || o.every < 1 || o.count < 1 || o.rate < 1)
    Usage("--ramp, --every, --count and --rate must be at least 1");
  if (o.mode == "hold" && (o.slow > 0 || o.sse > 0) && (o.token.empty() || o.task.empty()))
    Usage("--slow and --sse need --token and --task");
  return o;
}

// What the hold mode has open and what happened to it; one thread, so plain counters.
struct Counts {
  int open = 0;                 ///< connected and not closed (SSE: answered 200 and streaming)
  int waiting = 0;              ///< SSE: request sent, no answer yet
  long connects = 0;            ///< successful connects, reconnects included
  long failed = 0;              ///< connects refused or timed out
  long closed = 0;              ///< closed by the server (or reset) after connecting
  long bytes = 0;               ///< slow senders: body bytes sent
  std::map<int, long> answers;  ///< status codes the server answered with
};

Options opt;
Counts idle_counts, slow_counts, sse_counts;

// Closes the socket if it is still in use when the time is up; disarmed by going out of scope.
class Watchdog {
 public:
  Watchdog(tcp::socket& s, Clock::duration after)
      : timer_(s.get_executor(), after), armed_(std::make_shared<bool>(true)) {
    timer_.async_wait([&s, armed = armed_](boost::system::error_code e) {
      if (!e && *armed) s.close();
    });
  }
  ~Watchdog() {
    *armed_ = false;  // a handler already queued must not close a socket that went on
    timer_.cancel();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  asio::steady_timer timer_;
  std::shared_ptr<bool> armed_;
};

awaitable<void> Sleep(Clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  boost::system::error_code ec;
  co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
}

// Connects from 127.0.0.`source` (0: let the kernel choose), giving up after `timeout`.
awaitable<bool> Connect(tcp::socket& s, int source, Clock::duration timeout) {
  boost::system::error_code ec;
  tcp::endpoint server(asio::ip::make_address(opt.host), static_cast<uint16_t>(opt.port));
  s.open(tcp::v4(), ec);
  if (ec) co_return false;
  if (source > 0) {
    int one = 1;  // the port is picked at connect, per destination: no ephemeral-port shortage
    ::setsockopt(s.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    s.bind(tcp::endpoint(asio::ip::address_v4((127u << 24) | static_cast<unsigned>(source)), 0),
           ec);
    if (ec) co_return false;
  }
  Watchdog watchdog(s, timeout);
  co_await s.async_connect(server, asio::redirect_error(use_awaitable, ec));
  co_return !ec && s.is_open();
}

int StatusOf(const std::string& head) {  // "HTTP/1.1 200 OK..." -> 200, else 0
  if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) return 0;
  return std::atoi(head.c_str() + 9);
}

std::string Auth() { return "Authorization: Bearer " + opt.token + "\r\n"; }

int SourceFor(int i) { return opt.src_lo + i % (opt.src_hi - opt.src_lo + 1); }

awaitable<void> Idle(int i, Clock::duration start) {
  co_await Sleep(start);
  for (;;) {
    tcp::socket s(co_await asio::this_coro::executor);
    if (!co_await Connect(s, SourceFor(i), std::chrono::seconds(10))) {
      ++idle_counts.failed;
    } else {
      ++idle_counts.connects;
      ++idle_counts.open;
      char buf[512];
      std::string head;
      boost::system::error_code ec;
      for (;;) {  // until the server closes it; anything it says first is counted
        size_t n =
            co_await s.async_read_some(asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
        if (ec) break;
        if (head.empty()) {
          head.assign(buf, n);
          if (int code = StatusOf(head)) ++idle_counts.answers[code];
        }
      }
      --idle_counts.open;
      ++idle_counts.closed;
    }
    co_await Sleep(milliseconds(opt.reconnect_ms));
  }
}

// One slow sender's connection: a reader notices the answer or the close, the writer trickles.
struct SlowConn {
  explicit SlowConn(asio::any_io_executor ex) : socket(ex), tick(ex) {}
  tcp::socket socket;
  asio::steady_timer tick;
  bool closed = false;
};

awaitable<void> SlowReader(std::shared_ptr<SlowConn> c) {
  char buf[512];
  std::string head;
  boost::system::error_code ec;
  for (;;) {
    size_t n = co_await c->socket.async_read_some(asio::buffer(buf),
                                                  asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    if (head.empty()) {
      head.assign(buf, n);
      if (int code = StatusOf(head)) ++slow_counts.answers[code];
    }
  }
  c->closed = true;
  c->tick.cancel();
}

awaitable<void> Slow(int i, Clock::duration start) {
  co_await Sleep(start);
  // The body starts like a WAV file (RIFF/WAVE, 16 kHz mono PCM), then silence.
  static const unsigned char kWav[44] = {
      'R', 'I', 'F', 'F', 0xff, 0xff, 0xff, 0x7f, 'W', 'A',  'V',  'E',  'f',  'm', 't',
      ' ', 16,  0,   0,   0,    1,    0,    1,    0,   0x80, 0x3e, 0,    0,    0,   0x7d,
      0,   0,   2,   0,   16,   0,    'd',  'a',  't', 'a',  0xff, 0xff, 0xff, 0x7f};
  const std::string request =
      "POST /api/v1/tasks?title=slow HTTP/1.1\r\nHost: " + opt.host + "\r\n" + Auth() +
      "Content-Type: audio/wav\r\nContent-Length: " + std::to_string(opt.slow_length) + "\r\n\r\n";
  auto ex = co_await asio::this_coro::executor;
  for (;;) {
    auto c = std::make_shared<SlowConn>(ex);
    if (!co_await Connect(c->socket, SourceFor(i), std::chrono::seconds(10))) {
      ++slow_counts.failed;
    } else {
      ++slow_counts.connects;
      ++slow_counts.open;
      asio::co_spawn(ex, SlowReader(c), asio::detached);
      boost::system::error_code ec;
      co_await asio::async_write(c->socket, asio::buffer(request),
                                 asio::redirect_error(use_awaitable, ec));
      for (int64_t sent = 0; !ec && !c->closed && sent < opt.slow_length; ++sent) {
        c->tick.expires_after(std::chrono::seconds(1));
        co_await c->tick.async_wait(asio::redirect_error(use_awaitable, ec));
        if (ec || c->closed) break;
        unsigned char byte = sent < 44 ? kWav[sent] : 0;
        co_await asio::async_write(c->socket, asio::buffer(&byte, 1),
                                   asio::redirect_error(use_awaitable, ec));
        if (!ec) ++slow_counts.bytes;
      }
      while (!c->closed) {  // a failed write: the reader sees the close (or we cut it)
        c->socket.close(ec);
        co_await Sleep(milliseconds(10));
      }
      --slow_counts.open;
      ++slow_counts.closed;
    }
    co_await Sleep(milliseconds(opt.reconnect_ms));
  }
}

awaitable<void> Sse(int i, Clock::duration start) {
  co_await Sleep(start);
  const std::string request = "GET /api/v1/tasks/" + opt.task +
                              "/events HTTP/1.1\r\nHost: " + opt.host + "\r\n" + Auth() +
                              "Accept: text/event-stream\r\n\r\n";
  for (;;) {
    tcp::socket s(co_await asio::this_coro::executor);
    if (!co_await Connect(s, SourceFor(i), std::chrono::seconds(10))) {
      ++sse_counts.failed;
    } else {
      ++sse_counts.connects;
      boost::system::error_code ec;
      co_await asio::async_write(s, asio::buffer(request), asio::redirect_error(use_awaitable, ec));
      ++sse_counts.waiting;
      bool streaming = false, answered = false;
      char buf[256];
      while (!ec) {
        size_t n =
            co_await s.async_read_some(asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
        if (ec) break;
        if (!answered) {
          answered = true;
          --sse_counts.waiting;
          int code = StatusOf(std::string(buf, n));
          ++sse_counts.answers[code];
          if (code != 200) break;  // refused: hang up, come back later
          streaming = true;
          ++sse_counts.open;
        }
        if (opt.sse_read_ms > 0) co_await Sleep(milliseconds(opt.sse_read_ms));
      }
      if (!answered) --sse_counts.waiting;
      if (streaming) --sse_counts.open;
      ++sse_counts.closed;
    }
    co_await Sleep(milliseconds(opt.reconnect_ms));
  }
}

std::string Answers(const Counts& c) {
  std::string out;
  for (auto& [code, n] : c.answers)
    out += (out.empty() ? "" : ",") + std::to_string(code) + ":" + std::to_string(n);
  return out.empty() ? "-" : out;
}

void PrintStatus(Clock::time_point t0) {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - t0).count();
  std::printf(
      "t=%llds idle=%d/%d idle_connects=%ld idle_failed=%ld idle_closed=%ld idle_answers=%s "
      "slow=%d/%d slow_connects=%ld slow_failed=%ld slow_closed=%ld slow_bytes=%ld "
      "slow_answers=%s sse=%d/%d sse_waiting=%d sse_connects=%ld sse_failed=%ld sse_closed=%ld "
      "sse_answers=%s\n",
      static_cast<long long>(secs), idle_counts.open, opt.idle, idle_counts.connects,
      idle_counts.failed, idle_counts.closed, Answers(idle_counts).c_str(), slow_counts.open,
      opt.slow, slow_counts.connects, slow_counts.failed, slow_counts.closed, slow_counts.bytes,
      Answers(slow_counts).c_str(), sse_counts.open, opt.sse, sse_counts.waiting,
      sse_counts.connects, sse_counts.failed, sse_counts.closed, Answers(sse_counts).c_str());
  std::fflush(stdout);
}

awaitable<void> Reporter(Clock::time_point t0) {
  for (;;) {
    co_await Sleep(std::chrono::seconds(opt.every));
    PrintStatus(t0);
  }
}

int Hold(asio::io_context& io) {
  // The three kinds interleaved in a fixed random order, started --ramp a second.
  std::vector<int> kinds;
  kinds.insert(kinds.end(), opt.idle, 0);
  kinds.insert(kinds.end(), opt.slow, 1);
  kinds.insert(kinds.end(), opt.sse, 2);
  std::shuffle(kinds.begin(), kinds.end(), std::mt19937(42));
  int next[3] = {0, 0, 0};
  for (size_t k = 0; k < kinds.size(); ++k) {
    auto start = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(static_cast<double>(k) / opt.ramp));
    int i = next[kinds[k]]++;
    if (kinds[k] == 0) asio::co_spawn(io, Idle(i, start), asio::detached);
    if (kinds[k] == 1) asio::co_spawn(io, Slow(i, start), asio::detached);
    if (kinds[k] == 2) asio::co_spawn(io, Sse(i, start), asio::detached);
  }
  auto t0 = Clock::now();
  asio::co_spawn(io, Reporter(t0), asio::detached);
  asio::signal_set stop(io, SIGINT, SIGTERM);
  stop.async_wait([&](auto, int) { io.stop(); });
  asio::steady_timer limit(io, std::chrono::seconds(opt.seconds));
  if (opt.seconds > 0)
    limit.async_wait([&](auto e) {
      if (!e) io.stop();
    });
  io.run();
  PrintStatus(t0);
  return 0;
}

struct ProbeResult {
  bool ok = false;
  bool timed_out = false;
  double ms = 0;
};

awaitable<void> Probe(Clock::duration start, ProbeResult& r) {
  co_await Sleep(start);
  auto ex = co_await asio::this_coro::executor;
  auto t0 = Clock::now();
  auto timeout =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt.timeout_s));
  tcp::socket s(ex);
  if (!co_await Connect(s, 0, timeout)) {
    r.timed_out = Clock::now() - t0 >= timeout;
    co_return;
  }
  Watchdog watchdog(s, timeout - (Clock::now() - t0));
  const std::string request =
      "GET " + opt.path + " HTTP/1.1\r\nHost: " + opt.host + "\r\nConnection: close\r\n\r\n";
  boost::system::error_code ec;
  co_await asio::async_write(s, asio::buffer(request), asio::redirect_error(use_awaitable, ec));
  std::string response;
  char buf[4096];
  size_t head_end = std::string::npos, length = 0;
  bool has_length = false;
  while (!ec) {
    size_t n =
        co_await s.async_read_some(asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
    response.append(buf, n);
    if (head_end == std::string::npos &&
        (head_end = response.find("\r\n\r\n")) != std::string::npos) {
      std::string head = response.substr(0, head_end);
      for (char& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      size_t at = head.find("\r\ncontent-length:");
      has_length = at != std::string::npos;
      if (has_length) length = std::strtoul(head.c_str() + at + 17, nullptr, 10);
    }
    if (has_length && response.size() >= head_end + 4 + length) break;
  }
  // Complete: all of a Content-Length body, or (without one) everything up to the server's close.
  bool complete = head_end != std::string::npos &&
                  (has_length ? response.size() >= head_end + 4 + length : ec == asio::error::eof);
  r.ok = complete && StatusOf(response) == 200;
  r.timed_out = !r.ok && Clock::now() - t0 >= timeout;
  r.ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

int ProbeAll(asio::io_context& io) {
  std::vector<ProbeResult> results(opt.count);
  for (int i = 0; i < opt.count; ++i) {
    auto start = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(static_cast<double>(i) / opt.rate));
    asio::co_spawn(io, Probe(start, results[i]), asio::detached);
  }
  io.run();
  std::vector<double> ms;  // failures sort after every success
  int failed = 0, timed_out = 0;
  for (auto& r : results) {
    if (r.ok)
      ms.push_back(r.ms);
    else
      ++failed;
    if (r.timed_out) ++timed_out;
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) -> std::string {
    size_t rank = static_cast<size_t>(std::max(1.0, std::ceil(p * opt.count))) - 1;
    if (rank >= ms.size()) return "fail";
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", ms[rank]);
    return b;
  };
  std::printf("probes=%d ok=%zu failed=%d timed_out=%d p50_ms=%s p99_ms=%s max_ms=%s\n", opt.count,
              ms.size(), failed, timed_out, pct(0.5).c_str(), pct(0.99).c_str(), pct(1.0).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  opt = Parse(argc, argv);
  rlimit nofile{};
  if (::getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
    nofile.rlim_cur = nofile.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &nofile);
  }
  if (opt.mode == "hold" &&
      static_cast<rlim_t>(opt.idle + opt.slow + opt.sse + 64) > nofile.rlim_cur)
    std::fprintf(stderr, "edge_load: warning: %d connections but RLIMIT_NOFILE is %llu\n",
                 opt.idle + opt.slow + opt.sse, static_cast<unsigned long long>(nofile.rlim_cur));
  asio::io_context io(1);
  return opt.mode == "hold" ? Hold(io) : ProbeAll(io);
}
