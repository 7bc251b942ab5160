#include "http/connection.hpp"

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>

#include "http/fiber.hpp"
#include "http/request_target.hpp"

namespace minutes {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// One request and its response, shared by the connection and the handler fiber.
struct Exchange {
  Request req;
  Response res;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string preread;  // a small body, read before the handler runs
  size_t preread_got = 0;
  std::string scratch;  // where an unread rest of the body is dropped
  std::unique_ptr<std::istream> body;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  bool head = false;
  bool streamed_body = false;  // the handler reads the body from the network as it comes
  bool expect_continue = false, continue_sent = false;
  std::string body_failure;  // why the body failed ("" = it did not)
  std::string body_failure_code;
  std::string client_slot;  // per-forwarded-client slot held (trusted proxies)
  bool finished = false;
};

namespace {

// Small bodies (JSON) are read whole before the handler runs; bigger and chunked ones are
// streamed to it.
constexpr uint64_t kPrereadLimit = 64 * 1024;
// What a lingering close reads and drops at most (so the client sees our response, not a reset).
constexpr std::chrono::seconds kLinger{2};
// What of a body its handler left unread is read and dropped to keep the connection.
constexpr size_t kDrainLimit = 64 * 1024;
// Room in the read buffer while a body streams in (one system call reads up to this).
constexpr size_t kBodyReadBytes = 64 * 1024;

std::string Lower(boost::beast::string_view s) {
  std::string out(s.data(), s.size());
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string NewRequestId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  static const char* hex = "0123456789abcdef";
  std::string out(16, '0');
  uint64_t v = rng();
  for (int i = 0; i < 16; ++i) out[i] = hex[(v >> (i * 4)) & 15];
  return out;
}

namespace {

bool UsableRequestId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '"') return false;
  return true;
}

bool ClientGone(const beast::error_code& ec) {
  return ec == bhttp::error::partial_message || ec == bhttp::error::end_of_stream ||
         ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::operation_aborted ||
         ec == asio::error::bad_descriptor;
}

}  // namespace

Connection::Connection(HttpServer::Impl& server, tcp::socket socket, std::string peer,
                       bool trusted_peer)
    : server_(server),
      stream_(std::move(socket)),
      timer_(stream_.get_executor()),
      peer_(std::move(peer)),
      trusted_peer_(trusted_peer) {}

Connection::~Connection() {
  if (ex_ && !ex_->finished && !ex_->client_slot.empty()) server_.ReleaseClient(ex_->client_slot);
  if (!trusted_peer_) server_.ReleaseClient(peer_);
  server_.Unregister(this);
  --server_.connections;
}

void Connection::Start() { ReadRequest(true); }

void Connection::Drain() {
  if (state_ == State::kWaiting) return Close();
  if (state_ == State::kEvents) return QueueEvent("", true);
  close_after_ = true;
}

void Connection::Close() {
  if (state_ == State::kClosed) return;
  bool events = state_ == State::kEvents;
  state_ = State::kClosed;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
  timer_.cancel();
  if (events) {
    --server_.event_streams;
    subscription_.reset();
    if (ex_) FinishExchange(200);
  }
}

// ---- reading a request ----

void Connection::ReadRequest(bool first) {
  if (state_ == State::kClosed) return;
  state_ = State::kWaiting;
  if (!first && server_.draining) return Close();
  if (first || buffer_.size() > 0) return ReadHeader();
  // An idle kept-alive connection: wait for its next byte without a buffer or a parser.
  buffer_.shrink_to_fit();
  parser_.reset();
  waiting_idle_ = true;
  timer_.expires_after(server_.limits.keepalive_timeout);
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec && self->waiting_idle_) self->Close();
  });
  stream_.socket().async_wait(tcp::socket::wait_read,
                              [self = shared_from_this()](beast::error_code ec) {
                                self->waiting_idle_ = false;
                                self->timer_.cancel();
                                if (ec || self->state_ == State::kClosed) return self->Close();
                                self->ReadHeader();
                              });
}

void Connection::ReadHeader() {
  direct_ = false;
  direct_left_ = 0;
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(server_.limits.max_header_bytes));
  // Each route limits its own body. (Not boost::none: Boost 1.74 then refuses every
  // Content-Length, comparing it with an empty optional.)
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  stream_.expires_after(server_.limits.header_timeout);
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

void Connection::OnHeader(beast::error_code ec) {
  stream_.expires_never();
  if (state_ == State::kClosed) return;
  if (ec == bhttp::error::header_limit)
    return Reject(431, "",
                  "the request line and headers are larger than " +
                      std::to_string(server_.limits.max_header_bytes) + " bytes");
  if (ec == beast::error::timeout || ClientGone(ec)) return Close();
  if (ec) return Reject(400, "malformed_request", "malformed request: " + ec.message());
  auto& msg = parser_->get();
  ex_ = std::make_shared<Exchange>();
  Exchange& ex = *ex_;
  Request& req = ex.req;
  for (const auto& f : msg) ex.headers.emplace_back(Lower(f.name_string()), std::string(f.value()));
  Exchange* e = &ex;
  req.header = [e](const std::string& name) {
    std::string key = Lower(name);
    for (const auto& [k, v] : e->headers)
      if (k == key) return v;
    return std::string();
  };
  req.request_id = req.header("X-Request-ID");
  if (!UsableRequestId(req.request_id)) req.request_id = NewRequestId();
  req.method = std::string(msg.method_string());
  req.peer_address = peer_;
  req.client_address = trusted_peer_ && server_.hooks.client_address
                           ? server_.hooks.client_address(peer_, req.header("X-Forwarded-For"))
                           : peer_;
  boost::beast::string_view target = msg.target();
  auto parsed = ParseRequestTarget(std::string_view(target.data(), target.size()),
                                   server_.limits.max_request_line_bytes);
  if (!parsed.ok())
    return parsed.status().kind() == ErrorKind::kTooLarge
               ? Reject(414, "", parsed.status().message())
               : Reject(400, "malformed_request", parsed.status().message());
  req.path = std::move(parsed->path);
  req.query = std::move(parsed->query);
  ex.head = req.method == "HEAD";
  keep_alive_ = msg.keep_alive();
  bool chunked = parser_->chunked();
  auto length = parser_->content_length();
  if (!chunked && !length && (req.method == "POST" || req.method == "PUT" || req.method == "PATCH"))
    return Reject(
        411, "", "a " + req.method + " request needs Content-Length or Transfer-Encoding: chunked");
  ex.expect_continue = Lower(req.header("Expect")) == "100-continue";
  if (server_.draining)
    return Reject(503, "shutting_down", "the server is restarting: try again in a moment");
  if (trusted_peer_) {  // behind a proxy: requests in flight per forwarded client
    if (!server_.AcquireClient(req.client_address))
      return Reject(429, "", "too many requests in flight from " + req.client_address);
    ex.client_slot = req.client_address;
  }
  bool has_body = chunked || (length && *length > 0);
  if (!has_body) {
    ex.body = std::make_unique<std::istringstream>(std::string());
    req.body = ex.body.get();
    return Dispatch();
  }
  if (!chunked && *length <= kPrereadLimit) return PrereadBody();
  ex.streamed_body = true;
  direct_ = !chunked;
  direct_left_ = direct_ ? *length : 0;
  Dispatch();
}

void Connection::PrereadBody() {
  state_ = State::kReadingBody;
  Exchange& ex = *ex_;
  if (ex.expect_continue && !ex.continue_sent) {
    ex.continue_sent = true;
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(server_.limits.body_idle_timeout);
    return asio::async_write(stream_, asio::buffer(kContinue),
                             [self = shared_from_this()](beast::error_code ec, size_t) {
                               if (ec) return self->Close();
                               self->PrereadBody();
                             });
  }
  size_t want = static_cast<size_t>(*parser_->content_length());
  if (ex.preread.size() != want) ex.preread.resize(want);
  if (parser_->is_done()) {
    ex.preread.resize(ex.preread_got);
    ex.body = std::make_unique<std::istringstream>(std::move(ex.preread));
    ex.req.body = ex.body.get();
    return Dispatch();
  }
  parser_->get().body().data = ex.preread.data() + ex.preread_got;
  parser_->get().body().size = want - ex.preread_got;
  ArmBodyIdle();
  bhttp::async_read_some(
      stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
        self->DisarmBodyIdle(ec);
        if (self->state_ == State::kClosed) return;
        Exchange& ex = *self->ex_;
        ex.preread_got = ex.preread.size() - self->parser_->get().body().size;
        self->parser_->get().body().data = nullptr;
        if (ec == bhttp::error::need_buffer) ec = {};
        if (ec == beast::error::timeout)
          return self->Reject(400, "body_timeout",
                              "no byte of the request body for " +
                                  std::to_string(self->server_.limits.body_idle_timeout.count()) +
                                  " s");
        if (ClientGone(ec)) {  // logged as the bad request it was; nobody to answer
          self->FinishExchange(400);
          return self->Close();
        }
        if (ec) return self->Reject(400, "malformed_body", "malformed body: " + ec.message());
        self->PrereadBody();
      });
}

// The body's idle timeout is our own timer, not the stream's (which would close the socket):
// the client still gets its 400.
void Connection::ArmBodyIdle() {
  body_idle_fired_ = false;
  timer_.expires_after(server_.limits.body_idle_timeout);
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->state_ == State::kClosed) return;
    self->body_idle_fired_ = true;
    beast::error_code ignored;
    self->stream_.socket().cancel(ignored);
  });
}

void Connection::DisarmBodyIdle(beast::error_code& ec) {
  timer_.cancel();
  if (body_idle_fired_ && ec == asio::error::operation_aborted) ec = beast::error::timeout;
  body_idle_fired_ = false;
}

// ---- running the handler ----

void Connection::Dispatch() {
  state_ = State::kHandling;
  auto ex = ex_;
  if (!ex->streamed_body) {
    timer_.expires_after(server_.limits.request_timeout);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->OnDeadline();
    });
  }
  auto self = shared_from_this();
  bool queued = Fiber::Start(
      *server_.pool, [self, ex] { self->RunHandler(ex); },
      [self, ex] { asio::post(self->executor(), [self, ex] { self->OnHandlerDone(ex); }); });
  if (!queued) {
    timer_.cancel();
    Reject(503, "busy", "the server is busy: try again in a moment");
  }
}

void Connection::RunHandler(const std::shared_ptr<Exchange>& ex_ptr) {
  Exchange& ex = *ex_ptr;
  fiber_ = Fiber::Current();
  {
    SourceStream body(*this);
    if (ex.streamed_body) ex.req.body = &body;
    server_.hooks.handle(ex.req, ex.res);
    ex.req.body = nullptr;
  }  // a read-ahead still out is abandoned here
  std::string failure, failure_code;
  {
    std::lock_guard lock(read_mu_);
    failure = ex.body_failure;
    failure_code = ex.body_failure_code;
  }
  if (!failure.empty() && (ex.res.status < 400 || ex.res.status >= 500)) {
    ex.res = Response{};
    SetError(ex.res, 400, failure_code, failure, ex.req.request_id);
  }
  Response& res = ex.res;
  bool bodyless = ex.head || res.status == 204 || res.status == 304;
  if (res.stream && !bodyless && !deadline_fired_) StreamResponse(ex);
  fiber_ = nullptr;
}

void Connection::OnHandlerDone(const std::shared_ptr<Exchange>& ex) {
  if (ex != ex_) return;  // answered already: the deadline passed
  {
    std::lock_guard lock(read_mu_);
    if (read_abandoned_) {  // the body stream's read-ahead is still out: stop it, then go on
      after_read_ = [self = shared_from_this(), ex] { self->OnHandlerDone(ex); };
      beast::error_code ignored;
      stream_.socket().cancel(ignored);
      return;
    }
  }
  if (state_ == State::kClosed) return FinishExchange(ex->res.status);
  timer_.cancel();
  Response& res = ex->res;
  bool bodyless = ex->head || res.status == 204 || res.status == 304;
  if (res.stream && !bodyless) {  // written by the fiber
    if (serializer_ && res.content_length >= 0 && streamed_bytes_ != res.content_length)
      close_after_ = true;  // cut short: the client must not take it for the whole
    serializer_.reset();
    streamed_.reset();
    bool keep = keep_alive_ && !close_after_ && BodyDone() && !server_.draining;
    FinishExchange(res.status);
    if (!keep) return Linger();
    return ReadRequest(false);
  }
  if (res.events && res.status == 200 && !ex->head) return StartEvents();
  // A little left unread (a multipart epilogue, the last chunk) is read and dropped, so the
  // connection stays usable; a client never told to send its body is not waited for.
  bool may_drain = !(ex->expect_continue && !ex->continue_sent) && ex->body_failure.empty();
  if (!BodyDone() && may_drain && !close_after_) return DrainThenWrite(0);
  WriteWhole(res);
}

void Connection::DrainThenWrite(size_t drained) {
  Exchange& ex = *ex_;
  if (BodyDone() || drained > kDrainLimit) return WriteWhole(ex.res);
  if (ex.scratch.empty()) ex.scratch.resize(16 * 1024);
  ReadSomeBody(ex.scratch.data(), ex.scratch.size(),
               [self = shared_from_this(), drained](beast::error_code ec, size_t got) {
                 if (self->state_ == State::kClosed) return self->FinishExchange(0);
                 if (ec) {
                   self->close_after_ = true;
                   return self->WriteWhole(self->ex_->res);
                 }
                 self->DrainThenWrite(drained + got);
               });
}

bool Connection::BodyDone() const { return direct_ ? direct_left_ == 0 : parser_->is_done(); }

// A body with a length goes straight from the socket (after what Beast read with the header)
// into the reader's buffer: no copy through Beast's buffer, and one system call fills as much as
// has arrived. A chunked body is unframed by Beast's parser.
void Connection::ReadSomeBody(char* dst, size_t n, BodyReadDone done) {
  if (direct_) {
    auto want = static_cast<size_t>(std::min<uint64_t>(n, direct_left_));
    if (buffer_.size() > 0) {
      size_t take = std::min(want, buffer_.size());
      std::memcpy(dst, buffer_.data().data(), take);
      buffer_.consume(take);
      direct_left_ -= take;
      return done({}, take);
    }
    ArmBodyIdle();
    return stream_.socket().async_read_some(
        asio::buffer(dst, want), [this, self = shared_from_this(), done = std::move(done)](
                                     beast::error_code ec, size_t got) {
          DisarmBodyIdle(ec);
          direct_left_ -= got;
          done(ec, got);
        });
  }
  parser_->get().body().data = dst;
  parser_->get().body().size = n;
  // Beast reads as much as the buffer has room for: without room, 512 bytes a system call.
  if (buffer_.capacity() < kBodyReadBytes) buffer_.reserve(kBodyReadBytes);
  ArmBodyIdle();
  bhttp::async_read_some(
      stream_, buffer_, *parser_,
      [this, self = shared_from_this(), n, done = std::move(done)](beast::error_code ec, size_t) {
        DisarmBodyIdle(ec);
        size_t got = n - parser_->get().body().size;
        parser_->get().body().data = nullptr;
        if (ec == bhttp::error::need_buffer) ec = {};
        done(ec, got);
      });
}

void Connection::OnDeadline() {
  if (state_ == State::kHandling) {
    deadline_fired_ = true;  // the handler's answer, when it comes, is dropped
    close_after_ = true;
    deadline_res_ = std::make_unique<Response>();
    SetError(*deadline_res_, 503, "timeout",
             "the request took longer than " +
                 std::to_string(server_.limits.request_timeout.count()) + " s",
             ex_->req.request_id);
    deadline_res_->headers["Retry-After"] = "1";
    return WriteWhole(*deadline_res_);
  }
  if (state_ == State::kWriting) Close();  // a reader too slow for a whole response
}

// ---- writing a whole response ----

void Connection::WriteWhole(const Response& res) {
  state_ = State::kWriting;
  Exchange& ex = *ex_;
  whole_ = std::make_unique<bhttp::response<bhttp::string_body>>();
  auto& out = *whole_;
  out.version(11);
  out.result(static_cast<unsigned>(res.status));
  bool bodyless = res.status == 204 || res.status == 304 || res.status < 200;
  if (!bodyless && !res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
  out.set("X-Request-ID", ex.req.request_id);
  bool close_asked = false;
  for (const auto& [k, v] : res.headers) {
    if (Lower(k) == "connection") {
      close_asked = Lower(v) == "close";
      continue;
    }
    out.set(k, v);
  }
  // The body must be fully read before the connection can carry another request; a client that
  // was never told to send it (no 100 Continue yet) may or may not: close then.
  bool body_pending = !parser_ || !BodyDone();
  bool keep = keep_alive_ && !close_after_ && !close_asked && !server_.draining && !body_pending;
  out.keep_alive(keep);
  if (!bodyless) {
    if (ex.head) {
      out.content_length(res.stream && res.content_length >= 0
                             ? res.content_length
                             : static_cast<int64_t>(res.body.size()));
    } else {
      out.body() = res.body;
      out.prepare_payload();
    }
  }
  stream_.expires_after(server_.limits.request_timeout);
  auto done = [self = shared_from_this(), keep](beast::error_code ec, size_t) {
    self->OnWritten(ec, keep);
  };
  if (ex.head && !bodyless) {
    auto sr = std::make_shared<bhttp::response_serializer<bhttp::string_body>>(out);
    bhttp::async_write_header(stream_, *sr,
                              [sr, done](beast::error_code ec, size_t n) { done(ec, n); });
  } else {
    bhttp::async_write(stream_, out, done);
  }
}

void Connection::OnWritten(beast::error_code ec, bool keep) {
  stream_.expires_never();
  int status = whole_ ? static_cast<int>(whole_->result_int()) : 0;
  whole_.reset();
  FinishExchange(status);
  if (state_ == State::kClosed) return;
  if (ec) return Close();
  if (!keep) return Linger();
  ReadRequest(false);
}

void Connection::FinishExchange(int status) {
  if (!ex_ || ex_->finished) return;
  ex_->finished = true;
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - ex_->started).count();
  if (server_.hooks.finished) server_.hooks.finished(ex_->req, status, s);
  if (!ex_->client_slot.empty()) server_.ReleaseClient(ex_->client_slot);
  // The fiber may still hold the exchange (a deadline answered for it); it frees it then.
  ex_.reset();
}

void Connection::Reject(int status, const std::string& code, const std::string& message) {
  if (!ex_) {
    ex_ = std::make_shared<Exchange>();
    ex_->req.request_id = NewRequestId();
    ex_->req.peer_address = ex_->req.client_address = peer_;
    if (parser_ && parser_->is_header_done())
      ex_->req.method = std::string(parser_->get().method_string());
  }
  close_after_ = true;
  deadline_res_ = std::make_unique<Response>();
  SetError(*deadline_res_, status, code, message, ex_->req.request_id);
  if (status == 503 || status == 429) deadline_res_->headers["Retry-After"] = "1";
  WriteWhole(*deadline_res_);
}

// Stops sending, then reads and drops what the client still sends for a moment before closing:
// closing with unread data would reset the connection and could destroy our response before the
// client reads it.
void Connection::Linger() {
  if (state_ == State::kClosed) return;
  state_ = State::kWriting;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return Close();
  timer_.expires_after(kLinger);
  timer_.async_wait([self = shared_from_this()](beast::error_code e) {
    if (!e) self->Close();
  });
  // The buffer is the lingering connection's own: idle connections carry none.
  struct Drop {
    std::shared_ptr<Connection> self;
    std::shared_ptr<std::array<char, 4096>> buf;
    void operator()(beast::error_code e, size_t) {
      if (e || self->state_ == State::kClosed) return self->Close();
      auto& sock = self->stream_.socket();
      sock.async_read_some(asio::buffer(*buf), std::move(*this));
    }
  };
  auto buf = std::make_shared<std::array<char, 4096>>();
  stream_.socket().async_read_some(asio::buffer(*buf), Drop{shared_from_this(), buf});
}

// ---- the body and a streamed response, from the handler's fiber ----

void Connection::Await(std::function<void()> op) {
  Fiber* f = fiber_;
  f->Suspend([self = shared_from_this(), op = std::move(op)] { asio::post(self->executor(), op); });
  fiber_ = f;
}

void Connection::ResumeFiber() { fiber_->Resume(); }

// From the fiber. The I/O thread reads; the fiber goes on until it collects the result.
void Connection::StartRead(char* dst, size_t n) {
  std::unique_lock lock(read_mu_);
  read_state_ = ReadState::kPending;
  bool failed = !ex_->body_failure.empty();
  lock.unlock();
  if (failed || n == 0) return CompleteRead(failed ? -1 : 0);
  asio::post(executor(), [this, self = shared_from_this(), dst, n] { StartBodyRead(dst, n, 0); });
}

// From the fiber: the result, suspending until the read ends if it has not.
std::ptrdiff_t Connection::CollectRead() {
  {
    std::lock_guard lock(read_mu_);
    if (read_state_ == ReadState::kDone) {
      read_state_ = ReadState::kIdle;
      return read_result_;
    }
  }
  Fiber* f = fiber_;
  // Decided once the fiber is off its thread, so CompleteRead can resume it.
  f->Suspend([this] {
    std::unique_lock lock(read_mu_);
    if (read_state_ == ReadState::kDone) {
      read_state_ = ReadState::kIdle;
      lock.unlock();
      return ResumeFiber();
    }
    read_waiting_ = true;
  });
  fiber_ = f;
  return read_result_;
}

// From the fiber, as the body stream goes away with a read outstanding.
void Connection::AbandonRead(std::shared_ptr<void> keep) {
  std::lock_guard lock(read_mu_);
  if (read_state_ != ReadState::kPending) {
    read_state_ = ReadState::kIdle;
    return;
  }
  read_abandoned_ = true;
  abandoned_buf_ = std::move(keep);
}

void Connection::CompleteRead(std::ptrdiff_t result) {
  std::unique_lock lock(read_mu_);
  read_result_ = result;
  if (read_abandoned_) {  // on the I/O thread: the handler's end may go on now
    read_abandoned_ = false;
    read_state_ = ReadState::kIdle;
    abandoned_buf_.reset();
    auto then = std::move(after_read_);
    after_read_ = nullptr;
    lock.unlock();
    if (then) then();
    return;
  }
  if (read_waiting_) {
    read_waiting_ = false;
    read_state_ = ReadState::kIdle;
    lock.unlock();
    return ResumeFiber();
  }
  read_state_ = ReadState::kDone;
}

void Connection::StartBodyRead(char* dst, size_t n, size_t got) {
  Exchange& ex = *ex_;
  if (state_ == State::kClosed) {
    FailBody(asio::error::operation_aborted);
    return CompleteRead(-1);
  }
  if (ex.expect_continue && !ex.continue_sent) {
    ex.continue_sent = true;
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(server_.limits.body_idle_timeout);
    return asio::async_write(
        stream_, asio::buffer(kContinue),
        [this, self = shared_from_this(), dst, n](beast::error_code ec, size_t) {
          stream_.expires_never();
          if (ec) {
            FailBody(ec);
            return CompleteRead(-1);
          }
          StartBodyRead(dst, n, 0);
        });
  }
  if (BodyDone()) return CompleteRead(static_cast<std::ptrdiff_t>(got));
  ReadSomeBody(
      dst + got, n - got,
      [this, self = shared_from_this(), dst, n, got](beast::error_code ec, size_t more) mutable {
        got += more;
        if (ec) {
          FailBody(ec);
          // What arrived before the failure is handed out; the failure comes with the next read.
          return CompleteRead(got > 0 ? static_cast<std::ptrdiff_t>(got) : -1);
        }
        beast::error_code avail_ec;
        bool more_now = buffer_.size() > 0 || stream_.socket().available(avail_ec) > 0;
        if (BodyDone() || got == n || (got > 0 && !more_now))
          return CompleteRead(static_cast<std::ptrdiff_t>(got));
        StartBodyRead(dst, n, got);  // more is there already, or only framing arrived
      });
}

void Connection::FailBody(beast::error_code ec) {
  Exchange& ex = *ex_;
  std::lock_guard lock(read_mu_);  // the fiber reads the failure under it
  if (read_abandoned_) {
    // The handler has answered already and its answer stands. A stopped read-ahead leaves a
    // body with a length in a known state (the rest can be drained); a chunked one may not.
    if (ec != asio::error::operation_aborted || !direct_) close_after_ = true;
    return;
  }
  close_after_ = true;
  if (!ex.body_failure.empty()) return;
  if (ec == beast::error::timeout) {
    ex.body_failure_code = "body_timeout";
    ex.body_failure = "no byte of the request body for " +
                      std::to_string(server_.limits.body_idle_timeout.count()) + " s";
  } else if (ClientGone(ec)) {
    ex.body_failure_code = "body_incomplete";
    ex.body_failure = "the client closed the connection before the end of the body";
  } else {
    ex.body_failure_code = "malformed_body";
    ex.body_failure = "malformed body: " + ec.message();
  }
}

std::unique_ptr<bhttp::response<bhttp::buffer_body>> Connection::StreamHeader(const Exchange& ex,
                                                                              bool chunked) {
  auto out = std::make_unique<bhttp::response<bhttp::buffer_body>>();
  const Response& res = ex.res;
  out->version(11);
  out->result(static_cast<unsigned>(res.status));
  if (!res.content_type.empty()) out->set(bhttp::field::content_type, res.content_type);
  out->set("X-Request-ID", ex.req.request_id);
  for (const auto& [k, v] : res.headers)
    if (Lower(k) != "connection") out->set(k, v);
  if (chunked)
    out->chunked(true);
  else
    out->content_length(res.content_length);
  out->keep_alive(keep_alive_ && !close_after_);
  out->body().data = nullptr;
  out->body().more = true;
  return out;
}

bool Connection::WriteStreamHeader(Exchange& ex) {
  Await([this, &ex] {
    if (state_ == State::kClosed || deadline_fired_) {
      write_ok_ = false;
      return ResumeFiber();
    }
    timer_.cancel();  // a download or stream has only the idle timeouts
    state_ = State::kStreaming;
    streamed_ = StreamHeader(ex, ex.res.content_length < 0);
    serializer_ = std::make_unique<bhttp::response_serializer<bhttp::buffer_body>>(*streamed_);
    streamed_bytes_ = 0;
    stream_.expires_after(server_.limits.body_idle_timeout);
    bhttp::async_write_header(stream_, *serializer_,
                              [this, self = shared_from_this()](beast::error_code ec, size_t) {
                                stream_.expires_never();
                                write_ok_ = !ec;
                                if (ec) close_after_ = true;
                                ResumeFiber();
                              });
  });
  return write_ok_;
}

bool Connection::WriteBody(const char* data, size_t n) { return WritePiece(data, n, true); }

bool Connection::EndStream() { return WritePiece(nullptr, 0, false); }

// One piece of a streamed response (`more` false: the end, e.g. the last chunk), from the fiber.
bool Connection::WritePiece(const char* data, size_t n, bool more) {
  if (!write_ok_) return false;
  Await([this, data, n, more] {
    if (state_ == State::kClosed || deadline_fired_) {
      write_ok_ = false;
      return ResumeFiber();
    }
    streamed_->body().data = const_cast<char*>(data);
    streamed_->body().size = n;
    streamed_->body().more = more;
    stream_.expires_after(server_.limits.body_idle_timeout);
    bhttp::async_write(stream_, *serializer_,
                       [this, self = shared_from_this(), n](beast::error_code ec, size_t) {
                         stream_.expires_never();
                         if (ec == bhttp::error::need_buffer) ec = {};
                         write_ok_ = !ec;
                         if (ec) close_after_ = true;
                         streamed_bytes_ += static_cast<int64_t>(n);
                         ResumeFiber();
                       });
  });
  return write_ok_;
}

void Connection::StreamResponse(Exchange& ex) {
  if (!WriteStreamHeader(ex)) return;
  {
    SinkStream out(*this);
    try {
      ex.res.stream(out);
    } catch (const std::exception&) {  // a route's writer failed mid-way: the response is cut
      close_after_ = true;
    }
    out.flush();
  }
  if (ex.res.content_length >= 0 && streamed_bytes_ != ex.res.content_length) {
    close_after_ = true;  // never pretend a short body is complete
    return;
  }
  EndStream();
}

// ---- Server-Sent Events ----

void Connection::StartEvents() {
  state_ = State::kEvents;
  ++server_.event_streams;
  streamed_ = StreamHeader(*ex_, true);
  streamed_->keep_alive(false);
  serializer_ = std::make_unique<bhttp::response_serializer<bhttp::buffer_body>>(*streamed_);
  events_busy_ = true;
  stream_.expires_after(server_.limits.body_idle_timeout);
  bhttp::async_write_header(
      stream_, *serializer_, [self = shared_from_this()](beast::error_code ec, size_t) {
        self->stream_.expires_never();
        self->events_busy_ = false;
        if (ec || self->state_ != State::kEvents) return self->Close();
        std::weak_ptr<Connection> weak = self;
        auto exec = self->executor();
        self->subscription_ = self->ex_->res.events([weak, exec](std::string text, bool last) {
          asio::post(exec, [weak, text = std::move(text), last]() mutable {
            if (auto c = weak.lock()) c->QueueEvent(std::move(text), last);
          });
        });
        // The client leaving (or sending anything at all) ends the stream.
        self->stream_.socket().async_wait(tcp::socket::wait_read,
                                          [self](beast::error_code) { self->Close(); });
        self->Heartbeat();
        self->PumpEvents();
      });
}

void Connection::QueueEvent(std::string text, bool last) {
  if (state_ != State::kEvents) return;
  if (!text.empty()) {
    events_bytes_ += text.size();
    events_.push_back(std::move(text));
  }
  if (last) events_last_ = true;
  // A reader that falls this far behind is not reading: drop it rather than buffer without end.
  if (events_bytes_ > 1024 * 1024) return Close();
  PumpEvents();
}

void Connection::PumpEvents() {
  if (state_ != State::kEvents || events_busy_) return;
  if (events_.empty()) {
    if (!events_last_) return;
    events_busy_ = true;
    streamed_->body().data = nullptr;
    streamed_->body().size = 0;
    streamed_->body().more = false;
    stream_.expires_after(server_.limits.body_idle_timeout);
    return bhttp::async_write(stream_, *serializer_,
                              [self = shared_from_this()](beast::error_code, size_t) {
                                self->stream_.expires_never();
                                self->Close();
                              });
  }
  event_writing_ = std::move(events_.front());
  events_.pop_front();
  events_bytes_ -= event_writing_.size();
  events_busy_ = true;
  last_event_write_ = std::chrono::steady_clock::now();
  streamed_->body().data = event_writing_.data();
  streamed_->body().size = event_writing_.size();
  streamed_->body().more = true;
  stream_.expires_after(server_.limits.body_idle_timeout);
  bhttp::async_write(stream_, *serializer_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->stream_.expires_never();
                       self->events_busy_ = false;
                       if (ec == bhttp::error::need_buffer) ec = {};
                       if (ec) return self->Close();
                       self->PumpEvents();
                     });
}

// A comment line once the stream has been quiet for sse_heartbeat (proxies close silent ones).
void Connection::Heartbeat() {
  timer_.expires_at(last_event_write_ + server_.limits.sse_heartbeat);
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->state_ != State::kEvents) return;
    auto quiet_until = self->last_event_write_ + self->server_.limits.sse_heartbeat;
    if (std::chrono::steady_clock::now() >= quiet_until)
      self->QueueEvent(": keep-alive\n\n", false);
    self->Heartbeat();
  });
}

}  // namespace minutes
