#include "api/server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <chrono>
#include <optional>

#include "api/authenticator.hpp"
#include "api/dispatch.hpp"
#include "api/request_log.hpp"
#include "api/routes.hpp"
#include "api/socket_body.hpp"
#include "auth/password.hpp"
#include "worker/metrics.hpp"

namespace minutes {
namespace {

class Dispatch : public Poco::Net::HTTPRequestHandler {
 public:
  Dispatch(const Router& router, const Authenticator& auth, const Config& config)
      : router_(router), auth_(auth), config_(config) {}

  void handleRequest(Poco::Net::HTTPServerRequest& in,
                     Poco::Net::HTTPServerResponse& out) override {
    Request req;
    Response res;
    req.method = in.getMethod();
    Poco::URI uri(in.getURI());
    req.path = uri.getPath();
    for (auto& [k, v] : uri.getQueryParameters()) req.query[k] = v;
    req.header = [&in](const std::string& name) { return in.get(name, ""); };
    req.body = &in.stream();
    std::optional<SocketBody> fast_body;  // see socket_body.hpp
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&in);
    if (impl && in.hasContentLength() && !in.getChunkedTransferEncoding()) {
      fast_body.emplace(*impl, in.getContentLength64());
      req.body = &fast_body->stream();
    }
    req.peer_address = in.clientAddress().host().toString();
    req.client_address = ClientAddress(req.peer_address, in.get("X-Forwarded-For", ""),
                                       config_.server.trusted_proxies);
    auto started = std::chrono::steady_clock::now();
    req.request_id = in.get("X-Request-ID", "");
    if (req.request_id.empty() || req.request_id.size() > 128)
      req.request_id = RandomHex(8).ok() ? *RandomHex(8) : "0";
    DispatchRequest(router_, auth_, req, res);
    out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(res.status));
    out.setContentType(res.content_type);
    out.set("X-Request-ID", req.request_id);
    for (auto& [k, v] : res.headers) out.set(k, v);
    if (res.stream) {
      if (res.content_length >= 0)
        out.setContentLength64(res.content_length);
      else
        out.setChunkedTransferEncoding(true);
      try {
        res.stream(out.send());
      } catch (const std::exception&) {  // the client went away mid-stream
      }
      Finish(req, res.status, started);
      return;
    }
    out.setContentLength(static_cast<std::streamsize>(res.body.size()));
    out.send() << res.body;
    Finish(req, res.status, started);
  }

 private:
  void Finish(const Request& req, int status, std::chrono::steady_clock::time_point started) {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    Metrics::Global().ObserveRequest(req.method, req.route, status, s);
    LogRequest(req, status, s * 1000);
  }

  const Router& router_;
  const Authenticator& auth_;
  const Config& config_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(const Router& router, const Authenticator& auth, const Config& config)
      : router_(router), auth_(auth), config_(config) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Dispatch(router_, auth_, config_);
  }

 private:
  const Router& router_;
  const Authenticator& auth_;
  const Config& config_;
};

}  // namespace

struct ApiServer::Impl {
  ServiceContext ctx;
  ServerOptions options;
  Router router;
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  int port = 0;
};

ApiServer::ApiServer(const ServiceContext& ctx, ServerOptions o)
    : impl_(new Impl{ctx, std::move(o), {}, nullptr, nullptr, 0}) {
  RegisterRoutes(impl_->router, impl_->ctx);
}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::Start() {
  auto auth =
      Authenticator::Make(impl_->ctx.config, impl_->ctx.db, impl_->ctx.accounts, impl_->ctx.jwt);
  if (!auth.ok()) return auth.status();
  impl_->auth = std::move(*auth);
  try {
    Poco::Net::SocketAddress addr(impl_->options.host,
                                  static_cast<Poco::UInt16>(impl_->options.port));
    // SO_REUSEADDR but not SO_REUSEPORT (POCO sets both by default): a second instance on the
    // same port must fail to start rather than silently share the traffic.
    Poco::Net::ServerSocket socket;
    socket.bind(addr, true, false);
    socket.listen(128);
    impl_->port = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(impl_->options.max_threads);
    params->setMaxQueued(256);
    params->setKeepAlive(true);
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(
        new Factory(impl_->router, *impl_->auth, impl_->ctx.config), socket, params);
    impl_->server->start();
  } catch (const std::exception& e) {
    return Status::BadInput("cannot listen on " + impl_->options.host + ":" +
                            std::to_string(impl_->options.port) + ": " + e.what());
  }
  return Status::Ok();
}

void ApiServer::Stop() {
  if (!impl_->server) return;
  impl_->server->stopAll(false);  // finish requests in flight
  impl_->server.reset();
}

int ApiServer::port() const { return impl_->port; }

}  // namespace minutes
