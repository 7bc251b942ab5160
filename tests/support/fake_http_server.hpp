#pragma once
// A local HTTP server for tests of HTTP clients (the AI providers' test servers build on it): a
// Poco HTTPServer on a free loopback port whose replies come from a handler, recording every
// request it received.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace minutes::testing {

/// One request as the server saw it (header names lower-cased).
struct ReceivedRequest {
  std::string method, uri, body;
  std::map<std::string, std::string> headers;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class FakeHttpServer {
 public:
  using Handler = std::function<void(const ReceivedRequest&, Poco::Net::HTTPServerResponse&)>;
  explicit FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(8);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(1, 0));  // bounds the wait in the destructor
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(this), socket, params);
    server_->start();
  }
  // A handler may still be running (a scripted slow reply the client gave up on): stop
  // accepting, let every connection end, then destroy the server its threads use.
  ~FakeHttpServer() {
    server_->stop();
    for (int i = 0; i < 200 && server_->currentConnections() > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    server_->stopAll(true);
  }
  int port() const { return port_; }
  std::string Url(const std::string& path = "") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<ReceivedRequest> Received() {
    std::lock_guard lock(mu_);
    return received_;
  }

 private:
  class Handle : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handle(FakeHttpServer* s) : s_(s) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req,
                       Poco::Net::HTTPServerResponse& res) override {
      ReceivedRequest r{req.getMethod(), req.getURI(), "", {}};
      for (auto& [k, v] : req) {
        std::string name = k;
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers[name] = v;
      }
      r.body.assign(std::istreambuf_iterator<char>(req.stream()), {});
      {
        std::lock_guard lock(s_->mu_);
        s_->received_.push_back(r);
      }
      s_->handler_(r, res);
    }

   private:
    FakeHttpServer* s_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(FakeHttpServer* s) : s_(s) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handle(s_);
    }

   private:
    FakeHttpServer* s_;
  };
  Handler handler_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<ReceivedRequest> received_;
};

}  // namespace minutes::testing
