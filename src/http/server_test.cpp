// The event-driven edge in-process, over real sockets: slow clients do not hold handler threads,
// the handler queue is bounded, bodies and responses stream with backpressure, events are
// subscriptions, and the protocol corners hold.
#include "http/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "core/blocking.hpp"
#include "core/request_local.hpp"
#include "http/blocking_calls.hpp"
#include "http/router.hpp"

namespace minutes {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A raw client socket: exact bytes out, exact bytes in.
class Raw {
 public:
  explicit Raw(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) ::close(fd_), fd_ = -1;
  }
  ~Raw() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool Send(const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      ssize_t n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }
  // Reads until `done(text)` or the timeout or EOF; returns what arrived.
  std::string ReadUntil(const std::function<bool(const std::string&)>& done,
                        std::chrono::milliseconds timeout = 5000ms) {
    auto end = Clock::now() + timeout;
    while (!done(in_)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        eof_ = true;
        break;
      }
      in_.append(buf, static_cast<size_t>(n));
    }
    return in_;
  }
  // One whole response with a Content-Length body (or none); removes it from what arrived.
  std::string Response(std::chrono::milliseconds timeout = 5000ms, bool head = false) {
    auto whole = [head](const std::string& s) -> size_t {
      size_t h = s.find("\r\n\r\n");
      if (h == std::string::npos) return 0;
      size_t cl = 0;
      size_t p = s.find("Content-Length: ");
      if (p != std::string::npos && p < h && !head) cl = std::stoul(s.substr(p + 16));
      return s.size() >= h + 4 + cl ? h + 4 + cl : 0;
    };
    ReadUntil([&](const std::string& s) { return whole(s) > 0; }, timeout);
    size_t n = whole(in_);
    std::string out = in_.substr(0, n);
    in_.erase(0, n);
    return out;
  }
  bool Closed(std::chrono::milliseconds timeout) {
    ReadUntil([&](const std::string&) { return eof_; }, timeout);
    return eof_;
  }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
  std::string in_;
  bool eof_ = false;
};

int StatusOf(const std::string& response) {
  return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}

class Edge : public ::testing::Test {
 protected:
  void StartServer(HttpLimits limits) {
    HttpHooks hooks;
    hooks.handle = [this](Request& req, Response& res) {
      bool auth = false;
      const Handler* h = router_.Match(req, res, &auth);
      if (h) (*h)(req, res);
    };
    if (trusted_) {
      hooks.trusted_proxy = [](const std::string&) { return true; };
      hooks.client_address = [](const std::string&, const std::string& forwarded) {
        return forwarded;
      };
    }
    hooks.finished = [this](const Request& req, int status, double) {
      std::lock_guard lock(mu_);
      finished_.push_back(req.path + " " + std::to_string(status));
    };
    server_ = std::make_unique<HttpServer>("127.0.0.1", 0, limits, std::move(hooks));
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }
  bool Finished(const std::string& line) {
    std::lock_guard lock(mu_);
    return std::find(finished_.begin(), finished_.end(), line) != finished_.end();
  }

  Router router_;
  bool trusted_ = false;  // every peer is a trusted proxy; the client is X-Forwarded-For
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<std::string> finished_;
};

HttpLimits Small() {
  HttpLimits l;
  l.io_threads = 1;
  l.handler_threads = 1;
  l.handler_queue = 8;
  l.header_timeout = 1s;
  l.body_idle_timeout = 1s;
  l.keepalive_timeout = 2s;
  l.sse_heartbeat = 1s;
  l.drain_timeout = 2s;
  return l;
}

// Reads the whole body and answers with its size.
void CountBody(Request& req, Response& res) {
  char buf[100000];
  size_t total = 0;
  while (req.body->read(buf, sizeof buf) || req.body->gcount() > 0)
    total += static_cast<size_t>(req.body->gcount());
  if (req.body->bad()) return SetError(res, 500, "", "body failed", req.request_id);
  res.Json(200, {{"bytes", total}});
}

TEST_F(Edge, ASlowBodyDoesNotHoldTheOnlyHandlerThread) {
  router_.Add("POST", "/count", false, CountBody);
  router_.Add("GET", "/fast", false, [](Request&, Response& res) { res.Json(200, {{"ok", 1}}); });
  StartServer(Small());
  Raw slow(port_);
  ASSERT_TRUE(slow.Send("POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n" +
                        std::string(1000, 'a')));
  std::this_thread::sleep_for(100ms);  // the handler runs and waits for the rest of the body
  for (int i = 0; i < 5; ++i) {
    Raw fast(port_);
    auto t0 = Clock::now();
    ASSERT_TRUE(fast.Send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(StatusOf(fast.Response(1000ms)), 200);
    EXPECT_LT(Clock::now() - t0, 500ms);
    // keep the slow body alive under the idle timeout
    ASSERT_TRUE(slow.Send(std::string(100, 'b')));
  }
  ASSERT_TRUE(slow.Send(std::string(300000 - 1500, 'c')));
  std::string r = slow.Response();
  EXPECT_EQ(StatusOf(r), 200) << r;
  EXPECT_NE(r.find("{\"bytes\":300000}"), std::string::npos) << r;
}

// A handler's long wait marked with RunBlocking (a password hash, a provider call) runs off the
// handler threads: with one handler thread, other requests are answered meanwhile, and what the
// wait throws reaches the handler.
TEST_F(Edge, LongWaitsDoNotHoldTheOnlyHandlerThread) {
  std::atomic<int> waits{0};
  router_.Add("GET", "/wait", false, [&](Request&, Response& res) {
    auto caller = std::this_thread::get_id();
    bool elsewhere = false;
    RunBlocking([&] {
      elsewhere = std::this_thread::get_id() != caller;
      ++waits;
      std::this_thread::sleep_for(1500ms);
    });
    res.Json(200, {{"elsewhere", elsewhere}});
  });
  router_.Add("GET", "/throws", false, [](Request&, Response& res) {
    try {
      RunBlocking([] { throw std::runtime_error("provider went away"); });
      res.Json(200, {{"caught", false}});
    } catch (const std::runtime_error& e) {
      res.Json(200, {{"caught", std::string(e.what())}});
    }
  });
  router_.Add("GET", "/fast", false, [](Request&, Response& res) { res.Json(200, {{"ok", 1}}); });
  StartServer(Small());  // one handler thread
  Raw a(port_), b(port_);
  ASSERT_TRUE(a.Send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(b.Send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto t0 = Clock::now();
  while (waits < 2 && Clock::now() - t0 < 1000ms) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(waits, 2) << "both waits run at once, though there is one handler thread";
  for (int i = 0; i < 3; ++i) {
    Raw fast(port_);
    auto t1 = Clock::now();
    ASSERT_TRUE(fast.Send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(StatusOf(fast.Response(1000ms)), 200);
    EXPECT_LT(Clock::now() - t1, 300ms);
  }
  EXPECT_GE(BlockingThreadsAlive(), 2u);
  std::string ra = a.Response(3000ms), rb = b.Response(3000ms);
  EXPECT_NE(ra.find("{\"elsewhere\":true}"), std::string::npos) << ra;
  EXPECT_NE(rb.find("{\"elsewhere\":true}"), std::string::npos) << rb;
  Raw t(port_);
  ASSERT_TRUE(t.Send("GET /throws HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string rt = t.Response();
  EXPECT_NE(rt.find("{\"caught\":\"provider went away\"}"), std::string::npos) << rt;
}

// Request state kept in a RequestLocal goes with the request across RunBlocking: each of many
// requests interleaved on the handler threads sees its own value inside the wait and after it,
// also when it comes back on another thread than it left (the test checks that some did), and
// a request served meanwhile on a thread the others left sees none of theirs. (Before it, a
// thread_local audit capture lost an Ask's provider calls or handed them to another request;
// then the compiler's one look-up of the slots' address restored them on the thread left.)
TEST_F(Edge, RequestStateGoesWithTheRequestAcrossLongWaits) {
  static const RequestLocal<std::string> mine;
  std::atomic<int> moved{0};
  router_.Add("GET", "/own", false, [&](Request& req, Response& res) {
    std::string value = req.query.count("n") ? req.query.at("n") : "";
    mine.set(&value);
    std::string inside;
    // gettid, not std::this_thread::get_id: pthread_self is declared const, so the compiler
    // may ask it once for the whole function — the very mistake this test is about.
    long before = syscall(SYS_gettid);
    RunBlocking([&] {
      inside = mine.get() ? *mine.get() : "none";
      std::this_thread::sleep_for(100ms);
    });
    if (syscall(SYS_gettid) != before) ++moved;
    std::string after = mine.get() ? *mine.get() : "none";
    mine.set(nullptr);
    res.Json(200, {{"inside", inside == value}, {"after", after == value}});
  });
  router_.Add("GET", "/peek", false, [](Request&, Response& res) {
    res.Json(200, {{"seen", mine.get() ? *mine.get() : "none"}});
  });
  HttpLimits limits = Small();
  limits.io_threads = 2;
  limits.handler_threads = 4;
  limits.handler_queue = 64;
  StartServer(limits);
  for (int round = 0; round < 20 && (round < 2 || moved == 0); ++round) {
    std::vector<std::unique_ptr<Raw>> own;
    for (int i = 0; i < 24; ++i) {
      own.push_back(std::make_unique<Raw>(port_));
      ASSERT_TRUE(own.back()->Send("GET /own?n=" + std::to_string(round * 100 + i) +
                                   " HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
    std::this_thread::sleep_for(30ms);
    for (int i = 0; i < 4; ++i) {
      Raw peek(port_);
      ASSERT_TRUE(peek.Send("GET /peek HTTP/1.1\r\nHost: x\r\n\r\n"));
      std::string seen = peek.Response(1000ms);
      EXPECT_NE(seen.find("{\"seen\":\"none\"}"), std::string::npos) << seen;
    }
    for (auto& c : own) {
      std::string r = c->Response(3000ms);
      EXPECT_NE(r.find("{\"after\":true,\"inside\":true}"), std::string::npos) << r;
    }
  }
  EXPECT_GT(moved, 0) << "no request came back on another thread: the test proved nothing";
}

TEST(RunBlocking, OutsideAHandlerRunsInPlace) {
  auto caller = std::this_thread::get_id();
  std::thread::id ran;
  RunBlocking([&] { ran = std::this_thread::get_id(); });
  EXPECT_EQ(ran, caller);
  RunOffHandlerThreads([&] { ran = std::this_thread::get_id(); });
  EXPECT_EQ(ran, caller);
}

TEST_F(Edge, ChunkedBodyThenMoreRequestsOnTheSameConnection) {
  router_.Add("POST", "/count", false, CountBody);
  router_.Add("GET", "/fast", false, [](Request&, Response& res) { res.Json(200, {{"ok", 1}}); });
  StartServer(Small());
  Raw c(port_);
  std::string chunked = "POST /count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 50; ++i) {
    std::string piece(1000 + i * 37, 'x');
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    chunked += size + piece + "\r\n";
  }
  chunked += "0\r\n\r\n";
  ASSERT_TRUE(c.Send(chunked + "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string first = c.Response();
  EXPECT_EQ(StatusOf(first), 200) << first;
  size_t want = 0;
  for (int i = 0; i < 50; ++i) want += 1000 + static_cast<size_t>(i) * 37;
  EXPECT_NE(first.find("{\"bytes\":" + std::to_string(want) + "}"), std::string::npos) << first;
  EXPECT_EQ(StatusOf(c.Response()), 200);
}

// A body with a length bigger than the preread goes straight from the socket to the handler:
// exactly its bytes (checked by a position-dependent sum), never the next request's, whether the
// next request arrives in the same packet, the handler reads it all or leaves a rest unread.
TEST_F(Edge, LengthBodiesStreamExactlyTheirBytesAndPipelinedRequestsFollow) {
  auto body_of = [](size_t n, int seed) {
    std::string b(n, '\0');
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<char>((i * 7 + seed) & 0xff);
    return b;
  };
  auto sum_of = [](const std::string& b) {
    uint64_t sum = 0;
    for (size_t i = 0; i < b.size(); ++i) sum += (i + 1) * static_cast<unsigned char>(b[i]);
    return sum;
  };
  router_.Add("POST", "/sum", false, [](Request& req, Response& res) {
    std::vector<char> buf(300000);
    uint64_t sum = 0, at = 0;
    while (req.body->read(buf.data(), static_cast<std::streamsize>(buf.size())) ||
           req.body->gcount() > 0)
      for (std::streamsize i = 0; i < req.body->gcount(); ++i)
        sum += ++at * static_cast<unsigned char>(buf[static_cast<size_t>(i)]);
    res.Json(200, {{"bytes", at}, {"sum", sum}});
  });
  router_.Add("POST", "/first-byte", false, [](Request& req, Response& res) {
    char c = 0;
    req.body->read(&c, 1);  // the rest is left unread
    res.Json(200, {{"first", static_cast<int>(static_cast<unsigned char>(c))}});
  });
  router_.Add("GET", "/fast", false, [](Request&, Response& res) { res.Json(200, {{"ok", 1}}); });
  StartServer(Small());
  Raw c(port_);
  std::string one = body_of(1000003, 1), two = body_of(70001, 2), rest = body_of(65600, 3);
  auto post = [](const std::string& path, const std::string& body) {
    return "POST " + path +
           " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
           body;
  };
  ASSERT_TRUE(c.Send(post("/sum", one) + "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n" +
                     post("/sum", two) + post("/first-byte", rest) +
                     "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string r = c.Response();
  EXPECT_NE(r.find("\"bytes\":1000003,\"sum\":" + std::to_string(sum_of(one))), std::string::npos)
      << r;
  EXPECT_EQ(StatusOf(c.Response()), 200);
  r = c.Response();
  EXPECT_NE(r.find("\"bytes\":70001,\"sum\":" + std::to_string(sum_of(two))), std::string::npos)
      << r;
  r = c.Response();
  EXPECT_NE(r.find("{\"first\":3}"), std::string::npos) << r;
  EXPECT_EQ(StatusOf(c.Response()), 200);  // the unread rest was dropped, not taken for a request
}

TEST_F(Edge, EveryRunsOnThePoolOneAtATimeUntilStop) {
  StartServer(Small());
  std::atomic<int> runs{0}, running{0}, overlapped{0};
  server_->Every(5ms, [&] {
    if (++running > 1) ++overlapped;
    std::this_thread::sleep_for(10ms);  // longer than the period: the next waits for this one
    ++runs;
    --running;
  });
  auto until = Clock::now() + 2s;
  while (runs < 5 && Clock::now() < until) std::this_thread::sleep_for(5ms);
  EXPECT_GE(runs.load(), 5);
  EXPECT_EQ(overlapped.load(), 0);
  server_->Stop();
  int after_stop = runs;
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs.load(), after_stop);
}

TEST_F(Edge, TheHandlerQueueIsBoundedAndOverflowIs503WithRetryAfter) {
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  router_.Add("GET", "/block", false, [&](Request&, Response& res) {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return release; });
    res.Json(200, {});
  });
  HttpLimits l = Small();
  l.handler_queue = 1;
  StartServer(l);
  Raw a(port_), b(port_), c(port_);
  ASSERT_TRUE(a.Send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(100ms);  // running on the only thread
  ASSERT_TRUE(b.Send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(100ms);  // waiting in the queue of one
  ASSERT_TRUE(c.Send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string refused = c.Response(1000ms);
  EXPECT_EQ(StatusOf(refused), 503) << refused;
  EXPECT_NE(refused.find("Retry-After: 1"), std::string::npos);
  {
    std::lock_guard lock(m);
    release = true;
  }
  cv.notify_all();
  EXPECT_EQ(StatusOf(a.Response()), 200);
  EXPECT_EQ(StatusOf(b.Response()), 200);
}

TEST_F(Edge, NoLengthOnAPostIs411AtOnce) {
  router_.Add("POST", "/count", false, CountBody);
  StartServer(Small());
  Raw c(port_);
  auto t0 = Clock::now();
  ASSERT_TRUE(c.Send("POST /count HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string r = c.Response(2000ms);
  EXPECT_EQ(StatusOf(r), 411) << r;
  EXPECT_LT(Clock::now() - t0, 500ms);
  EXPECT_NE(r.find("\"request_id\""), std::string::npos);
}

TEST_F(Edge, ATruncatedBodyIsA400ForTheLogAndTheHandlerSeesAFailedStream) {
  std::atomic<bool> saw_bad{false};
  router_.Add("POST", "/count", false, [&](Request& req, Response& res) {
    CountBody(req, res);
    saw_bad = req.body->bad();
  });
  StartServer(Small());
  {
    Raw c(port_);
    ASSERT_TRUE(c.Send("POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\n\r\n" +
                       std::string(200000, 'a')));
    std::this_thread::sleep_for(100ms);
  }  // closed mid-body
  auto end = Clock::now() + 3s;
  while (!Finished("/count 400") && Clock::now() < end) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(Finished("/count 400"));
  EXPECT_TRUE(saw_bad);
}

TEST_F(Edge, ABodyThatStopsArrivingIsCutAtTheIdleTimeout) {
  router_.Add("POST", "/count", false, CountBody);
  StartServer(Small());
  Raw c(port_);
  ASSERT_TRUE(c.Send("POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\n\r\nabc"));
  std::string r = c.Response(3000ms);
  EXPECT_EQ(StatusOf(r), 400) << r;
  EXPECT_NE(r.find("body_timeout"), std::string::npos) << r;
  EXPECT_TRUE(c.Closed(1000ms));
}

TEST_F(Edge, SlowHeadersAreCutAtTheHeaderTimeout) {
  StartServer(Small());
  Raw c(port_);
  auto t0 = Clock::now();
  ASSERT_TRUE(c.Send("GET /x HTTP/1.1\r\nHo"));
  for (int i = 0; i < 6 && c.Send("s"); ++i) std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(c.Closed(3000ms));
  EXPECT_LT(Clock::now() - t0, 2500ms);  // the deadline is total, not per byte
}

TEST_F(Edge, PipelinedRequestsAreAnsweredInOrder) {
  router_.Add("GET", "/echo/{n}", false, [](Request& req, Response& res) {
    res.Json(200, {{"n", req.params["n"]}});
  });
  StartServer(Small());
  Raw c(port_);
  ASSERT_TRUE(
      c.Send("GET /echo/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /echo/2 HTTP/1.1\r\nHost: "
             "x\r\n\r\nGET /echo/3 HTTP/1.1\r\nHost: x\r\n\r\n"));
  for (int i = 1; i <= 3; ++i) {
    std::string r = c.Response();
    EXPECT_NE(r.find("{\"n\":\"" + std::to_string(i) + "\"}"), std::string::npos) << r;
  }
}

TEST_F(Edge, ExpectContinueIsAnsweredWhenTheHandlerReadsTheBody) {
  router_.Add("POST", "/count", false, CountBody);
  router_.Add("POST", "/refuse", false,
              [](Request& req, Response& res) { SetError(res, 401, "", "no", req.request_id); });
  StartServer(Small());
  Raw c(port_);
  ASSERT_TRUE(c.Send(
      "POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n"));
  std::string cont =
      c.ReadUntil([](const std::string& s) { return s.find("\r\n\r\n") != std::string::npos; });
  EXPECT_EQ(cont.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u) << cont;
  std::string rest = c.ReadUntil([](const std::string&) { return true; }, 10ms);
  Raw r(port_);
  ASSERT_TRUE(
      r.Send("POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nExpect: "
             "100-continue\r\n\r\n"));
  std::string refused = r.Response();
  EXPECT_EQ(StatusOf(refused), 401) << refused;
  EXPECT_NE(refused.find("Connection: close"), std::string::npos) << refused;
}

TEST_F(Edge, AStreamedDownloadToASlowReaderHoldsNoThread) {
  router_.Add("GET", "/big", false, [](Request&, Response& res) {
    res.content_type = "application/octet-stream";
    res.content_length = 64 << 20;
    res.stream = [](std::ostream& out) {
      std::string block(1 << 20, 'z');
      for (int i = 0; i < 64 && out; ++i) out.write(block.data(), block.size());
    };
  });
  router_.Add("GET", "/fast", false, [](Request&, Response& res) { res.Json(200, {{"ok", 1}}); });
  StartServer(Small());
  Raw reader(port_);
  ASSERT_TRUE(reader.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"));
  reader.ReadUntil([](const std::string& s) { return s.size() > 100000; });  // then stop reading
  std::this_thread::sleep_for(200ms);  // the writer is blocked on the full socket
  Raw fast(port_);
  ASSERT_TRUE(fast.Send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(StatusOf(fast.Response(1000ms)), 200);
  std::string all =
      reader.ReadUntil([](const std::string& s) { return s.size() >= (64u << 20); }, 20000ms);
  size_t head = all.find("\r\n\r\n");
  ASSERT_NE(head, std::string::npos);
  EXPECT_EQ(all.size() - head - 4, 64u << 20);
}

TEST_F(Edge, EventStreamsAreSubscriptionsWithHeartbeats) {
  std::mutex m;
  Response::EventEmit emit;
  std::atomic<bool> unsubscribed{false};
  router_.Add("GET", "/events", false, [&](Request&, Response& res) {
    res.content_type = "text/event-stream";
    res.events = [&](Response::EventEmit e) {
      std::lock_guard lock(m);
      emit = e;
      e("event: hello\ndata: 1\n\n", false);
      return std::shared_ptr<void>(nullptr, [&](void*) { unsubscribed = true; });
    };
  });
  router_.Add("GET", "/fast", false, [](Request&, Response& res) { res.Json(200, {{"ok", 1}}); });
  StartServer(Small());
  auto has = [](const std::string& what) {
    return [what](const std::string& s) { return s.find(what) != std::string::npos; };
  };
  std::vector<std::unique_ptr<Raw>> streams;
  for (int i = 0; i < 20; ++i) {  // more open streams than handler threads and queue places
    streams.push_back(std::make_unique<Raw>(port_));
    ASSERT_TRUE(streams.back()->Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_NE(streams.back()->ReadUntil(has("data: 1")).find("data: 1"), std::string::npos);
  }
  EXPECT_EQ(server_->stats().event_streams, 20);
  Raw fast(port_);
  ASSERT_TRUE(fast.Send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(StatusOf(fast.Response(1000ms)), 200);
  EXPECT_NE(streams[0]->ReadUntil(has(": keep-alive"), 2500ms).find(": keep-alive"),
            std::string::npos);
  {
    std::lock_guard lock(m);
    emit("event: bye\ndata: 2\n\n", true);  // the last subscriber's stream ends
  }
  EXPECT_NE(streams.back()->ReadUntil(has("0\r\n\r\n")).find("data: 2"), std::string::npos);
  streams.clear();  // the clients leave: every subscription ends
  auto end = Clock::now() + 3s;
  while (server_->stats().event_streams > 0 && Clock::now() < end)
    std::this_thread::sleep_for(20ms);
  EXPECT_EQ(server_->stats().event_streams, 0);
  EXPECT_TRUE(unsubscribed);
}

TEST_F(Edge, HeadGets405sAllowAnd204sNoBody) {
  router_.Add("GET", "/thing", false, [](Request&, Response& res) { res.Json(200, {{"a", 1}}); });
  router_.Add("DELETE", "/thing", false, [](Request&, Response& res) {
    res.status = 204;
    res.body = "should not be sent";
  });
  StartServer(Small());
  Raw c(port_);
  ASSERT_TRUE(c.Send("HEAD /thing HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string head = c.Response(5000ms, true);
  EXPECT_EQ(StatusOf(head), 200) << head;
  EXPECT_NE(head.find("Content-Length: 7"), std::string::npos) << head;
  EXPECT_EQ(head.substr(head.find("\r\n\r\n") + 4), "");
  ASSERT_TRUE(c.Send("PUT /thing HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
  std::string put = c.Response();
  EXPECT_EQ(StatusOf(put), 405) << put;
  EXPECT_NE(put.find("Allow: GET, HEAD, DELETE"), std::string::npos) << put;
  ASSERT_TRUE(
      c.Send("DELETE /thing HTTP/1.1\r\nHost: x\r\n\r\nGET /thing HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string del = c.Response();
  EXPECT_EQ(StatusOf(del), 204) << del;
  EXPECT_EQ(del.find("Content-Type"), std::string::npos) << del;
  std::string get = c.Response();
  EXPECT_EQ(StatusOf(get), 200) << get;  // nothing of the 204 leaked into the next response
}

TEST_F(Edge, StopLetsARequestInFlightFinish) {
  router_.Add("GET", "/slow", false, [](Request&, Response& res) {
    std::this_thread::sleep_for(300ms);
    res.Json(200, {{"done", true}});
  });
  StartServer(Small());
  Raw c(port_);
  ASSERT_TRUE(c.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(50ms);
  std::thread stopper([this] { server_->Stop(); });
  std::string r = c.Response(3000ms);
  stopper.join();
  EXPECT_EQ(StatusOf(r), 200) << r;
  EXPECT_NE(r.find("Connection: close"), std::string::npos) << r;
}

TEST_F(Edge, BehindATrustedProxyRequestsAreCountedPerForwardedClient) {
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  router_.Add("GET", "/block", false, [&](Request& req, Response& res) {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return release; });
    res.Json(200, {{"client", req.client_address}});
  });
  HttpLimits l = Small();
  l.handler_threads = 4;
  l.max_connections_per_client = 2;
  trusted_ = true;
  StartServer(l);
  // Three connections from the proxy's one address: not limited per address.
  Raw a(port_), b(port_), c(port_), d(port_);
  auto from = [](const std::string& client) {
    return "GET /block HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: " + client + "\r\n\r\n";
  };
  ASSERT_TRUE(a.Send(from("198.51.100.7")));
  ASSERT_TRUE(b.Send(from("198.51.100.7")));
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(c.Send(from("198.51.100.7")));  // a third request in flight for that client
  std::string refused = c.Response(1000ms);
  EXPECT_EQ(StatusOf(refused), 429) << refused;
  EXPECT_NE(refused.find("Retry-After"), std::string::npos) << refused;
  ASSERT_TRUE(d.Send(from("203.0.113.9")));  // another client behind the same proxy
  {
    std::lock_guard lock(m);
    release = true;
  }
  cv.notify_all();
  EXPECT_NE(a.Response().find("198.51.100.7"), std::string::npos);
  EXPECT_NE(b.Response().find("198.51.100.7"), std::string::npos);
  EXPECT_NE(d.Response().find("203.0.113.9"), std::string::npos);
}

TEST_F(Edge, AnIdleKeptAliveConnectionIsClosedAfterTheKeepAliveTimeout) {
  router_.Add("GET", "/fast", false, [](Request&, Response& res) { res.Json(200, {{"ok", 1}}); });
  HttpLimits l = Small();
  l.keepalive_timeout = 1s;
  StartServer(l);
  Raw c(port_);
  ASSERT_TRUE(c.Send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(StatusOf(c.Response()), 200);
  auto t0 = Clock::now();
  EXPECT_TRUE(c.Closed(3000ms));
  EXPECT_GT(Clock::now() - t0, 800ms);
  auto end = Clock::now() + 2s;  // its last handlers run once the socket is closed
  while (server_->stats().connections > 0 && Clock::now() < end) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server_->stats().connections, 0);
}

TEST_F(Edge, AHandlerPastTheRequestDeadlineGets503AndItsLateAnswerIsDropped) {
  std::atomic<bool> finished{false};
  router_.Add("GET", "/slow", false, [&](Request&, Response& res) {
    std::this_thread::sleep_for(1500ms);
    res.Json(200, {{"late", true}});
    finished = true;
  });
  HttpLimits l = Small();
  l.request_timeout = 1s;
  StartServer(l);
  Raw c(port_);
  ASSERT_TRUE(c.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string r = c.Response(3000ms);
  EXPECT_EQ(StatusOf(r), 503) << r;
  EXPECT_NE(r.find("\"timeout\""), std::string::npos) << r;
  EXPECT_TRUE(c.Closed(3000ms));
  auto end = Clock::now() + 3s;
  while (!finished && Clock::now() < end) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(finished);
}

}  // namespace
}  // namespace minutes
