#include "fake_http_server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/ServerSocket.h>

#include <cctype>
#include <chrono>
#include <thread>

namespace minutes::testing {

class FakeHttpServer::Handle : public Poco::Net::HTTPRequestHandler {
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

class FakeHttpServer::Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(FakeHttpServer* s) : s_(s) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handle(s_);
  }

 private:
  FakeHttpServer* s_;
};

FakeHttpServer::FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(8);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(1, 0));  // bounds the wait in the destructor
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(this), socket, params);
  server_->start();
}

FakeHttpServer::~FakeHttpServer() {
  server_->stop();
  for (int i = 0; i < 200 && server_->currentConnections() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server_->stopAll(true);
}

}  // namespace minutes::testing
