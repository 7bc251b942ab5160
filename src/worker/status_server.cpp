#include "worker/status_server.hpp"

#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "http/server.hpp"
#include "metrics/metrics.hpp"
#include "store/schema.hpp"

namespace minutes {

struct StatusServer::Impl {
  Database& db;
  std::function<std::map<std::string, int>()> running;
  Router router;
  std::unique_ptr<HttpServer> server;
  int port = 0;
};

StatusServer::StatusServer(Database& db, std::function<std::map<std::string, int>()> running_jobs)
    : impl_(new Impl{db, std::move(running_jobs), {}, nullptr, 0}) {
  Impl* s = impl_.get();
  s->router.Add("GET", "/health", false, [s](Request&, Response& res) {
    auto lanes = s->running();
    int total = 0;
    for (const auto& [lane, n] : lanes) total += n;
    res.Json(200, {{"status", "ok"}, {"running_jobs", total}, {"running_by_lane", lanes}});
  });
  s->router.Add("GET", "/health/ready", false, [s](Request&, Response& res) {
    Status probe = ProbeSchema(s->db);
    res.Json(probe.ok() ? 200 : 503, {{"status", probe.ok() ? "ok" : "error"},
                                      {"database", probe.ok() ? "ok" : probe.message()}});
  });
  s->router.Add("GET", "/metrics", false, [s](Request&, Response& res) {
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    res.body = Metrics::Global().Render(s->db);
  });
}

StatusServer::~StatusServer() { Stop(); }

Status StatusServer::Start(const std::string& host, int port) {
  // A few connections from a scraper and probes: small pool, short timeouts.
  HttpLimits limits;
  limits.io_threads = 1;
  limits.handler_threads = 2;
  limits.handler_queue = 64;
  limits.max_connections = 256;
  limits.max_connections_per_client = 64;
  limits.drain_timeout = std::chrono::seconds(2);
  HttpHooks hooks;
  Impl* s = impl_.get();
  hooks.handle = [s](Request& req, Response& res) {
    bool auth = false;
    const Handler* h = s->router.Match(req, res, &auth);
    if (!h) {
      if (res.status == 404)
        SetError(res, 404, "not_found", "a worker serves /health, /health/ready and /metrics",
                 req.request_id);
      return;
    }
    try {
      (*h)(req, res);
    } catch (const std::exception&) {
      res = Response{};
      SetError(res, 500, "", "internal error", req.request_id);
    }
    res.headers["Cache-Control"] = "no-store";
  };
  impl_->server = std::make_unique<HttpServer>(host, port, limits, std::move(hooks));
  if (Status st = impl_->server->Start(); !st.ok()) {
    impl_->server.reset();
    return Status::BadInput("worker.status_port: " + st.message());
  }
  impl_->port = impl_->server->port();
  return Status::Ok();
}

void StatusServer::Stop() {
  if (!impl_->server) return;
  impl_->server->Stop();
  impl_->server.reset();
}

int StatusServer::port() const { return impl_->port; }

}  // namespace minutes
