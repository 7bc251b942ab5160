#include "worker/status_server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <nlohmann/json.hpp>

#include "worker/metrics.hpp"

namespace minutes {
namespace {

using Poco::Net::HTTPResponse;

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  Handler(Database& db, const std::function<int()>& running) : db_(db), running_(running) {}
  void handleRequest(Poco::Net::HTTPServerRequest& in,
                     Poco::Net::HTTPServerResponse& out) override {
    std::string path = Poco::URI(in.getURI()).getPath();
    std::string body, type = "application/json";
    auto status = HTTPResponse::HTTP_OK;
    if (in.getMethod() != "GET") {
      status = HTTPResponse::HTTP_METHOD_NOT_ALLOWED;
      body = Error("method_not_allowed", "only GET is served here");
    } else if (path == "/health") {
      body = nlohmann::json{{"status", "ok"}, {"running_jobs", running_()}}.dump();
    } else if (path == "/health/ready") {
      auto probe = db_.Query("SELECT count(*) FROM schema_migrations");
      if (!probe.ok()) status = HTTPResponse::HTTP_SERVICE_UNAVAILABLE;
      body = nlohmann::json{{"status", probe.ok() ? "ok" : "error"},
                            {"database", probe.ok() ? "ok" : probe.status().message()}}
                 .dump();
    } else if (path == "/metrics") {
      type = "text/plain; version=0.0.4; charset=utf-8";
      body = Metrics::Global().Render(db_);
    } else {
      status = HTTPResponse::HTTP_NOT_FOUND;
      body = Error("not_found", "a worker serves /health, /health/ready and /metrics");
    }
    out.setStatusAndReason(status);
    out.setContentType(type);
    out.setContentLength(static_cast<std::streamsize>(body.size()));
    out.send() << body;
  }

 private:
  static std::string Error(const std::string& code, const std::string& message) {
    return nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump();
  }
  Database& db_;
  const std::function<int()>& running_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(Database& db, const std::function<int()>& running) : db_(db), running_(running) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(db_, running_);
  }

 private:
  Database& db_;
  const std::function<int()>& running_;
};

}  // namespace

struct StatusServer::Impl {
  Database& db;
  std::function<int()> running;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  int port = 0;
};

StatusServer::StatusServer(Database& db, std::function<int()> running_jobs)
    : impl_(new Impl{db, std::move(running_jobs), nullptr, 0}) {}

StatusServer::~StatusServer() { Stop(); }

Status StatusServer::Start(const std::string& host, int port) {
  try {
    Poco::Net::ServerSocket socket;  // no SO_REUSEPORT: an occupied port is an error
    socket.bind(Poco::Net::SocketAddress(host, static_cast<Poco::UInt16>(port)), true, false);
    socket.listen(16);
    impl_->port = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(2);
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(new Factory(impl_->db, impl_->running),
                                                            socket, params);
    impl_->server->start();
  } catch (const std::exception& e) {
    return Status::BadInput("worker.status_port: cannot listen on " + host + ":" +
                            std::to_string(port) + ": " + e.what());
  }
  return Status::Ok();
}

void StatusServer::Stop() {
  if (!impl_->server) return;
  impl_->server->stopAll(true);
  impl_->server.reset();
}

int StatusServer::port() const { return impl_->port; }

}  // namespace minutes
