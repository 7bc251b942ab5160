#pragma once
// The HTTP/1.1 edge: an event-driven server (Boost.Asio + Boost.Beast). A few I/O threads own
// every socket and never block; route handlers run on a bounded HandlerPool inside Fibers, so a
// handler that reads a slowly arriving body or writes to a slow reader is suspended, not parked
// on a thread. Server-Sent Events are subscriptions written by the I/O threads. Timeouts and
// limits (HttpLimits) bound what any client can hold. Routes see only Request and Response.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "http/message.hpp"

namespace minutes {

/// Timeouts and limits; the `server` config section maps onto these.
struct HttpLimits {
  int io_threads = 0;  ///< event-loop threads; 0 = hardware concurrency
  int handler_threads =
      0;  ///< 0 = two per core, at least 4; long waits go elsewhere (http/blocking_calls)
  size_t handler_queue = 256;               ///< requests waiting for a handler thread; beyond: 503
  std::chrono::seconds header_timeout{10};  ///< request line + headers, from first byte
  std::chrono::seconds body_idle_timeout{30};  ///< between body bytes, and writes to a reader
  std::chrono::seconds keepalive_timeout{65};  ///< idle kept-alive connection
  std::chrono::seconds request_timeout{60};  ///< non-streaming request, headers in to response out
  std::chrono::seconds sse_heartbeat{15};    ///< comment line on a quiet event stream
  std::chrono::seconds drain_timeout{10};    ///< graceful stop: time for requests in flight
  size_t max_header_bytes = 16 * 1024;       ///< beyond: 431
  size_t max_request_line_bytes = 8 * 1024;  ///< beyond: 414
  int max_connections = 16000;               ///< beyond: 503 and close
  int max_connections_per_client = 256;      ///< per address (not for trusted proxies): 429
};

/// What the server calls. All must be thread-safe.
struct HttpHooks {
  /// Answers a request (on a handler thread, inside a fiber). Must not throw.
  std::function<void(Request&, Response&)> handle;
  /// After each response (for logs and metrics).
  std::function<void(const Request&, int status, double seconds)> finished;
  /// Whether a peer address is a trusted proxy (its connections are not limited per address;
  /// its requests are, per forwarded client). May be empty: no proxies.
  std::function<bool(const std::string& peer)> trusted_proxy;
  /// The client address of a request from `peer` with this X-Forwarded-For.
  std::function<std::string(const std::string& peer, const std::string& forwarded_for)>
      client_address;
};

class HttpServer {
 public:
  HttpServer(std::string host, int port, HttpLimits limits, HttpHooks hooks);
  /// Stops (gracefully) if still running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds (no SO_REUSEPORT: an occupied port is an error) and starts the threads. BadInput
  /// naming the address when it cannot listen.
  Status Start();
  /// Graceful stop: no new connections; idle ones close; requests in flight get
  /// `drain_timeout` to finish (their responses say Connection: close); event streams end;
  /// then the rest are closed and the threads joined.
  void Stop();
  /// Runs `task` on the handler pool every `period` from now until Stop, never two runs at once
  /// (the next period starts when a run returns). For periodic work of the routes (event feeds)
  /// without a thread of its own. Call after Start.
  void Every(std::chrono::milliseconds period, std::function<void()> task);
  /// The bound port (useful with port 0).
  int port() const;

  /// Live counters, for tests and /metrics.
  struct Stats {
    int connections = 0;               ///< open now
    int event_streams = 0;             ///< open now
    size_t handlers_alive = 0;         ///< handler fibers started and not finished
    size_t handler_queue = 0;          ///< waiting for a thread
    uint64_t refused_connections = 0;  ///< over max_connections or per client, since start
    size_t blocking_threads = 0;       ///< threads for handlers' long waits, alive now
    uint64_t blocking_calls = 0;       ///< long waits handed to them, since start
  };
  Stats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace minutes
