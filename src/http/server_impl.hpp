#pragma once
// Shared state of one HttpServer: its I/O contexts, handler pool, limits and counters. Internal
// to the http room (server.cpp and connection.cpp).
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/handler_pool.hpp"
#include "http/server.hpp"

namespace minutes {

class Connection;

/// A fresh request id (16 hex digits) for requests that did not bring one.
std::string NewRequestId();

struct HttpServer::Impl {
  std::string host;
  int port = 0;
  HttpLimits limits;
  HttpHooks hooks;

  std::vector<std::unique_ptr<boost::asio::io_context>> ios;
  std::vector<std::thread> io_threads;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;
  std::unique_ptr<boost::asio::steady_timer> accept_retry;
  std::unique_ptr<HandlerPool> pool;
  size_t next_io = 0;
  bool started = false;

  std::atomic<int> connections{0};
  std::atomic<int> event_streams{0};
  std::atomic<bool> draining{false};
  std::atomic<uint64_t> refused{0};

  /// Per client address: open connections (direct) or requests in flight (via trusted proxies).
  bool AcquireClient(const std::string& address);
  void ReleaseClient(const std::string& address);

  /// Every open connection, for a graceful stop.
  void Register(const std::shared_ptr<Connection>& c);
  void Unregister(Connection* c);
  std::vector<std::shared_ptr<Connection>> Live();

  void Accept();

  /// Periodic tasks (HttpServer::Every), armed on ios[0].
  struct Ticker {
    explicit Ticker(boost::asio::io_context& io) : timer(io) {}
    boost::asio::steady_timer timer;
    std::chrono::milliseconds period{0};
    std::function<void()> task;
  };
  std::vector<std::shared_ptr<Ticker>> tickers;
  void Arm(const std::shared_ptr<Ticker>& t);

 private:
  std::mutex clients_mu_;
  std::unordered_map<std::string, int> clients_;
  std::mutex conns_mu_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> conns_;
};

}  // namespace minutes
