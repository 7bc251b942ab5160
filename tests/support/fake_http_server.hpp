#pragma once
// A local HTTP server for tests of HTTP clients (the AI providers' test servers build on it): a
// Poco HTTPServer on a free loopback port whose replies come from a handler, recording every
// request it received. The handler writes its reply on a Poco HTTPServerResponse, so that
// header stays here; the server itself lives in fake_http_server.cpp.
#include <Poco/Net/HTTPServerResponse.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "received_request.hpp"

namespace Poco::Net {
class HTTPServer;
}

namespace minutes::testing {

class FakeHttpServer {
 public:
  using Handler = std::function<void(const ReceivedRequest&, Poco::Net::HTTPServerResponse&)>;
  explicit FakeHttpServer(Handler handler);
  // A handler may still be running (a scripted slow reply the client gave up on): stop
  // accepting, let every connection end, then destroy the server its threads use.
  ~FakeHttpServer();
  int port() const { return port_; }
  std::string Url(const std::string& path = "") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<ReceivedRequest> Received() {
    std::lock_guard lock(mu_);
    return received_;
  }

 private:
  class Handle;
  class Factory;
  Handler handler_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<ReceivedRequest> received_;
};

}  // namespace minutes::testing
