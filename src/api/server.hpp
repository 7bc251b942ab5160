#pragma once
// `minutes serve`: the API's routes on the event-driven HTTP edge (http/server.hpp), with the
// live task-event feed for event streams.
#include <memory>
#include <string>

#include "api/context.hpp"
#include "http/server.hpp"

namespace minutes {

/// The edge's timeouts and limits from the `server` config section. `handler_threads: 0` (auto)
/// becomes one thread per core (at least 2) on SQLite, where a handler computes and never waits
/// on a network, and two per core (at least 4) on a database across a network, where each
/// handler also waits for round trips. (Measured with wrk -t2 -c32 on 2 cores, SQLite: 2
/// threads gave the same req/s as 4 at half the p99, 3.3–5.1 ms against 8.9–10.8.)
HttpLimits HttpLimitsFrom(const ServerConfig& server, const std::string& database_dialect);

/// The API server. Owns nothing it is given; they must outlive it.
class ApiServer {
 public:
  ApiServer(const ServiceContext& ctx, std::string host, int port);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  /// Binds and starts serving; BadInput naming the address when it cannot bind.
  Status Start();
  /// Graceful stop: requests in flight get server.drain_timeout_s, event streams end.
  void Stop();
  /// The bound port (useful with port 0).
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace minutes
