#pragma once
// `minutes serve`: the HTTP API on POCO's HTTPServer.
#include <memory>
#include <string>

#include "api/context.hpp"

namespace minutes {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8000;  ///< 0 = any free port (see ApiServer::port)
  int max_threads = 32;
};

/// The API server. Owns nothing it is given; they must outlive it.
class ApiServer {
 public:
  ApiServer(const ServiceContext& ctx, ServerOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  /// Binds and starts serving; BadInput/Io naming the address when it cannot bind.
  Status Start();
  /// Stops accepting, lets requests in flight finish (up to a few seconds), returns.
  void Stop();
  /// The bound port (useful with port 0).
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace minutes
