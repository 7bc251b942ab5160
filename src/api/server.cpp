#include "api/server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include "api/routes.hpp"
#include "auth/password.hpp"

namespace minutes {
namespace {

// Authenticates "Authorization: Bearer <jwt | mk_ key>"; nullopt when absent or invalid.
std::optional<Principal> Authenticate(const Request& req, Accounts& accounts,
                                      const JwtIssuer& jwt) {
  std::string h = req.header("Authorization");
  const std::string kBearer = "Bearer ";
  if (h.rfind(kBearer, 0) != 0) return std::nullopt;
  std::string cred = h.substr(kBearer.size());
  if (cred.rfind("mk_", 0) == 0) {
    auto u = accounts.AuthenticateApiKey(cred);
    if (!u.ok()) return std::nullopt;
    return Principal{u->id, u->tenant_id, u->username, u->role};
  }
  auto c = jwt.Verify(cred, UnixNow());
  if (!c.ok()) return std::nullopt;
  return Principal{c->user_id, c->tenant_id, c->username, c->role};
}

class Dispatch : public Poco::Net::HTTPRequestHandler {
 public:
  Dispatch(const Router& router, Accounts& accounts, const JwtIssuer& jwt)
      : router_(router), accounts_(accounts), jwt_(jwt) {}

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
    req.client_address = in.clientAddress().host().toString();
    req.request_id = in.get("X-Request-ID", "");
    if (req.request_id.empty() || req.request_id.size() > 128)
      req.request_id = RandomHex(8).ok() ? *RandomHex(8) : "0";
    try {
      bool needs_auth = false;
      const Handler* h = router_.Match(req, res, &needs_auth);
      if (h) {
        if (needs_auth) req.principal = Authenticate(req, accounts_, jwt_);
        if (needs_auth && !req.principal) {
          SetError(res, 401, "", "authentication required: send Authorization: Bearer <token>",
                   req.request_id);
          res.headers["WWW-Authenticate"] = "Bearer";
        } else {
          (*h)(req, res);
        }
      }
    } catch (const std::exception& e) {  // no exception crosses the HTTP edge
      SetError(res, 500, "", "internal error", req.request_id);
    }
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
      return;
    }
    out.setContentLength(static_cast<std::streamsize>(res.body.size()));
    out.send() << res.body;
  }

 private:
  const Router& router_;
  Accounts& accounts_;
  const JwtIssuer& jwt_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(const Router& router, Accounts& accounts, const JwtIssuer& jwt)
      : router_(router), accounts_(accounts), jwt_(jwt) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Dispatch(router_, accounts_, jwt_);
  }

 private:
  const Router& router_;
  Accounts& accounts_;
  const JwtIssuer& jwt_;
};

}  // namespace

struct ApiServer::Impl {
  ServiceContext ctx;
  ServerOptions options;
  Router router;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  int port = 0;
};

ApiServer::ApiServer(const ServiceContext& ctx, ServerOptions o)
    : impl_(new Impl{ctx, std::move(o), {}, nullptr, 0}) {
  Router& r = impl_->router;
  const ServiceContext& c = impl_->ctx;
  AddHealthRoutes(r, c);
  AddAuthRoutes(r, c);
  AddTaskRoutes(r, c);
  AddMinutesRoutes(r, c);
  AddTemplateRoutes(r, c);
  AddHotwordRoutes(r, c);
  AddAdminRoutes(r, c);
  AddWebhookRoutes(r, c);
  AddDocsRoutes(r, c);  // last: it describes the routes above
}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::Start() {
  try {
    Poco::Net::SocketAddress addr(impl_->options.host,
                                  static_cast<Poco::UInt16>(impl_->options.port));
    Poco::Net::ServerSocket socket(addr, 128);
    impl_->port = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(impl_->options.max_threads);
    params->setMaxQueued(256);
    params->setKeepAlive(true);
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(
        new Factory(impl_->router, impl_->ctx.accounts, impl_->ctx.jwt), socket, params);
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
