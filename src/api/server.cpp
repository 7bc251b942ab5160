#include "api/server.hpp"

#include <algorithm>
#include <thread>

#include "api/authenticator.hpp"
#include "api/dispatch.hpp"
#include "api/request_log.hpp"
#include "api/routes.hpp"
#include "api/task_events.hpp"
#include "metrics/metrics.hpp"

namespace minutes {

HttpLimits HttpLimitsFrom(const ServerConfig& c, const std::string& database_dialect) {
  HttpLimits l;
  l.io_threads = c.io_threads;
  l.handler_threads = c.handler_threads;
  if (l.handler_threads <= 0) {
    const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    l.handler_threads = database_dialect == "sqlite" ? std::max(2, cores) : std::max(4, 2 * cores);
  }
  l.handler_queue = static_cast<size_t>(c.handler_queue);
  l.header_timeout = std::chrono::seconds(c.header_timeout_s);
  l.body_idle_timeout = std::chrono::seconds(c.body_idle_timeout_s);
  l.keepalive_timeout = std::chrono::seconds(c.keepalive_timeout_s);
  l.request_timeout = std::chrono::seconds(c.request_timeout_s);
  l.sse_heartbeat = std::chrono::seconds(c.sse_heartbeat_s);
  l.drain_timeout = std::chrono::seconds(c.drain_timeout_s);
  l.max_header_bytes = static_cast<size_t>(c.max_header_bytes);
  l.max_request_line_bytes = static_cast<size_t>(c.max_request_line_bytes);
  l.max_connections = c.max_connections;
  l.max_connections_per_client = c.max_connections_per_client;
  return l;
}

struct ApiServer::Impl {
  ServiceContext ctx;
  std::string host;
  int port;
  std::unique_ptr<TaskEventFeed> events;  // before `server`: streams end before the feed does
  Router router;
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<HttpServer> server;
};

ApiServer::ApiServer(const ServiceContext& ctx, std::string host, int port)
    : impl_(new Impl{ctx, std::move(host), port, nullptr, {}, nullptr, nullptr}) {
  impl_->events = std::make_unique<TaskEventFeed>(ctx.db, ctx.config.server.max_streams_per_user);
  impl_->ctx.task_events = impl_->events.get();
  RegisterRoutes(impl_->router, impl_->ctx);
}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::Start() {
  Impl& s = *impl_;
  auto auth = Authenticator::Make(s.ctx.config, s.ctx.db, s.ctx.accounts, s.ctx.jwt);
  if (!auth.ok()) return auth.status();
  s.auth = std::move(*auth);
  const Config& config = s.ctx.config;
  HttpHooks hooks;
  hooks.handle = [&s](Request& req, Response& res) {
    DispatchRequest(s.router, *s.auth, req, res);
  };
  hooks.finished = [](const Request& req, int status, double seconds) {
    Metrics::Global().ObserveRequest(req.method, req.route, status, seconds);
    LogRequest(req, status, seconds * 1000);
  };
  hooks.trusted_proxy = [&config](const std::string& peer) {
    for (const auto& cidr : config.server.trusted_proxies)
      if (InCidr(peer, cidr)) return true;
    return false;
  };
  hooks.client_address = [&config](const std::string& peer, const std::string& forwarded) {
    return ClientAddress(peer, forwarded, config.server.trusted_proxies);
  };
  s.server = std::make_unique<HttpServer>(
      s.host, s.port, HttpLimitsFrom(config.server, s.ctx.db.Dialect()), std::move(hooks));
  if (Status st = s.server->Start(); !st.ok()) {
    s.server.reset();
    return st;
  }
  s.server->Every(TaskEventFeed::kInterval, [feed = s.events.get()] { feed->Poll(); });
  Metrics::Global().SetEdgeSource([server = s.server.get()] {
    auto st = server->stats();
    return std::map<std::string, double>{
        {"connections", st.connections},
        {"event_streams", st.event_streams},
        {"handlers_alive", static_cast<double>(st.handlers_alive)},
        {"handler_queue", static_cast<double>(st.handler_queue)},
        {"refused_connections", static_cast<double>(st.refused_connections)},
        {"blocking_threads", static_cast<double>(st.blocking_threads)},
        {"blocking_calls", static_cast<double>(st.blocking_calls)}};
  });
  return Status::Ok();
}

void ApiServer::Stop() {
  if (impl_->server) Metrics::Global().SetEdgeSource(nullptr);
  if (impl_->server) impl_->server->Stop();
  impl_->server.reset();
}

int ApiServer::port() const { return impl_->server ? impl_->server->port() : impl_->port; }

}  // namespace minutes
