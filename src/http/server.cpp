#include "http/server.hpp"

#include <sys/resource.h>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "core/blocking.hpp"
#include "http/blocking_calls.hpp"
#include "http/connection.hpp"
#include "http/fiber.hpp"
#include "log/log.hpp"

namespace minutes {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Raises the open-file limit to its hard maximum (connections are file descriptors) and returns
// how many connections fit, keeping some descriptors for the database, storage and logs.
int ConnectionsThatFit(int wanted) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return wanted;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  if (lim.rlim_cur == RLIM_INFINITY) return wanted;
  int fit = static_cast<int>(std::min<rlim_t>(lim.rlim_cur, 1 << 30)) - 256;
  return std::max(16, std::min(wanted, fit));
}

// A refusal written without waiting (the socket's send buffer is empty) before closing.
void Refuse(tcp::socket& socket, int status, const std::string& code, const std::string& message) {
  std::string id = NewRequestId();
  std::string body = R"({"error":{"code":")" + code + R"(","message":")" + message +
                     R"(","request_id":")" + id + R"("}})";
  std::string text =
      "HTTP/1.1 " + std::to_string(status) +
      (status == 429 ? " Too Many Requests" : " Service Unavailable") +
      "\r\nContent-Type: application/json\r\nX-Request-ID: " + id +
      "\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(text), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace

bool HttpServer::Impl::AcquireClient(const std::string& address) {
  std::lock_guard lock(clients_mu_);
  int& n = clients_[address];
  if (n >= limits.max_connections_per_client) {
    if (n == 0) clients_.erase(address);
    return false;
  }
  ++n;
  return true;
}

void HttpServer::Impl::ReleaseClient(const std::string& address) {
  std::lock_guard lock(clients_mu_);
  auto it = clients_.find(address);
  if (it != clients_.end() && --it->second <= 0) clients_.erase(it);
}

void HttpServer::Impl::Register(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(conns_mu_);
  conns_[c.get()] = c;
}

void HttpServer::Impl::Unregister(Connection* c) {
  std::lock_guard lock(conns_mu_);
  conns_.erase(c);
}

std::vector<std::shared_ptr<Connection>> HttpServer::Impl::Live() {
  std::lock_guard lock(conns_mu_);
  std::vector<std::shared_ptr<Connection>> out;
  for (auto& [raw, weak] : conns_)
    if (auto c = weak.lock()) out.push_back(std::move(c));
  return out;
}

void HttpServer::Impl::Accept() {
  auto& io = *ios[next_io++ % ios.size()];
  acceptor->async_accept(io, [this](boost::system::error_code ec, tcp::socket socket) {
    if (!acceptor->is_open() || draining) return;
    if (ec) {
      // Out of descriptors (or another passing failure): pause instead of spinning.
      LogEvent(LogLevel::kWarn, "accept_failed", {{"error", ec.message()}});
      accept_retry->expires_after(std::chrono::milliseconds(100));
      accept_retry->async_wait([this](boost::system::error_code e) {
        if (!e) Accept();
      });
      return;
    }
    boost::system::error_code peer_ec;
    auto endpoint = socket.remote_endpoint(peer_ec);
    if (peer_ec) return Accept();
    std::string peer = endpoint.address().to_string();
    if (peer.rfind("::ffff:", 0) == 0) peer = peer.substr(7);
    bool trusted = hooks.trusted_proxy && hooks.trusted_proxy(peer);
    if (connections >= limits.max_connections) {
      ++refused;
      Refuse(socket, 503, "unavailable", "the server has too many connections");
    } else if (!trusted && !AcquireClient(peer)) {
      ++refused;
      Refuse(socket, 429, "too_many_requests", "too many connections from " + peer);
    } else {
      socket.set_option(tcp::no_delay(true), peer_ec);
      ++connections;
      auto c = std::make_shared<Connection>(*this, std::move(socket), peer, trusted);
      Register(c);
      asio::post(c->executor(), [c] { c->Start(); });
    }
    Accept();
  });
}

HttpServer::HttpServer(std::string host, int port, HttpLimits limits, HttpHooks hooks)
    : impl_(std::make_shared<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->limits = limits;
  impl_->hooks = std::move(hooks);
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  Impl& s = *impl_;
  InstallBlockingRunner(&RunOffHandlerThreads);
  int io_threads = s.limits.io_threads > 0
                       ? s.limits.io_threads
                       : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  int fit = ConnectionsThatFit(s.limits.max_connections);
  if (fit < s.limits.max_connections) {
    LogEvent(LogLevel::kWarn, "max_connections_lowered",
             {{"configured", s.limits.max_connections},
              {"effective", fit},
              {"why", "the process may open too few files (raise LimitNOFILE / ulimit -n)"}});
    s.limits.max_connections = fit;
  }
  for (int i = 0; i < io_threads; ++i) s.ios.push_back(std::make_unique<asio::io_context>(1));
  try {
    auto address = asio::ip::make_address(s.host == "localhost" ? "127.0.0.1" : s.host);
    tcp::endpoint endpoint(address, static_cast<unsigned short>(s.port));
    s.acceptor = std::make_unique<tcp::acceptor>(*s.ios[0]);
    s.acceptor->open(endpoint.protocol());
    s.acceptor->set_option(asio::socket_base::reuse_address(true));
    s.acceptor->bind(endpoint);
    s.acceptor->listen(asio::socket_base::max_listen_connections);
    s.port = s.acceptor->local_endpoint().port();
  } catch (const std::exception& e) {
    s.acceptor.reset();  // before the context it belongs to
    s.ios.clear();
    return Status::BadInput("cannot listen on " + s.host + ":" + std::to_string(s.port) + ": " +
                            e.what());
  }
  s.accept_retry = std::make_unique<asio::steady_timer>(*s.ios[0]);
  int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  int handlers = s.limits.handler_threads > 0 ? s.limits.handler_threads : std::max(4, 2 * cores);
  s.pool = std::make_unique<HandlerPool>(handlers, s.limits.handler_queue);
  s.Accept();
  for (int i = 0; i < io_threads; ++i)
    s.io_threads.emplace_back([io = s.ios[i].get(), i] {
      std::string name = "http-io-" + std::to_string(i);
      pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
      auto guard = asio::make_work_guard(*io);
      io->run();
    });
  s.started = true;
  return Status::Ok();
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  if (!s.started) return;
  s.started = false;
  s.draining = true;
  asio::post(*s.ios[0], [&s] {
    boost::system::error_code ec;
    s.acceptor->close(ec);
    s.accept_retry->cancel();
    for (auto& t : s.tickers) t->timer.cancel();
  });
  for (auto& c : s.Live()) asio::post(c->executor(), [c] { c->Drain(); });
  auto wait_until = [&s](std::chrono::steady_clock::duration budget, auto done) {
    auto deadline = std::chrono::steady_clock::now() + budget;
    while (!done() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  };
  wait_until(s.limits.drain_timeout, [&s] { return s.connections == 0; });
  // What is left is cut: its reads and writes fail, so suspended handlers finish.
  for (auto& c : s.Live()) asio::post(c->executor(), [c] { c->Close(); });
  wait_until(std::chrono::seconds(30), [&s] { return s.connections == 0 && Fiber::Alive() == 0; });
  s.pool.reset();  // joins its threads after what is queued
  for (auto& io : s.ios) io->stop();
  for (auto& t : s.io_threads) t.join();
  s.io_threads.clear();
  s.tickers.clear();
  s.accept_retry.reset();
  s.acceptor.reset();
  s.ios.clear();  // destroys handlers never run, and the connections they held
}

void HttpServer::Impl::Arm(const std::shared_ptr<Ticker>& t) {
  t->timer.expires_after(t->period);
  t->timer.async_wait([this, t](boost::system::error_code ec) {
    if (ec || draining) return;
    pool->Submit([this, t] {
      t->task();
      asio::post(*ios[0], [this, t] {
        if (!draining) Arm(t);
      });
    });
  });
}

void HttpServer::Every(std::chrono::milliseconds period, std::function<void()> task) {
  Impl& s = *impl_;
  if (!s.started) return;
  auto t = std::make_shared<Impl::Ticker>(*s.ios[0]);
  t->period = period;
  t->task = std::move(task);
  asio::post(*s.ios[0], [&s, t] {
    s.tickers.push_back(t);
    if (!s.draining) s.Arm(t);
  });
}

int HttpServer::port() const { return impl_->port; }

HttpServer::Stats HttpServer::stats() const {
  Stats st;
  st.connections = impl_->connections;
  st.event_streams = impl_->event_streams;
  st.handlers_alive = Fiber::Alive();
  st.handler_queue = impl_->pool ? impl_->pool->queued() : 0;
  st.refused_connections = impl_->refused;
  st.blocking_threads = BlockingThreadsAlive();
  st.blocking_calls = BlockingCallsSoFar();
  return st;
}

}  // namespace minutes
