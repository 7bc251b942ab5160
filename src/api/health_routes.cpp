// GET /health (liveness: the process answers) and GET /health/ready (each backend really
// probed: a database query, the queue's depth, and an object written, read back and deleted).
#include <chrono>

#include "api/routes.hpp"
#include "worker/metrics.hpp"

namespace minutes {
namespace {

// Runs `probe`, returning {"status","latency_ms"[,"error"]}; sets *ok false when it fails.
template <typename Fn>
nlohmann::json Probe(Fn probe, bool* ok) {
  auto t0 = std::chrono::steady_clock::now();
  Status s = probe();
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::json j = {{"status", s.ok() ? "ok" : "error"}, {"latency_ms", ms}};
  if (!s.ok()) {
    j["error"] = s.message();
    *ok = false;
  }
  return j;
}

}  // namespace

void AddHealthRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;
  r.Add("GET", "/health", false, [](Request&, Response& res) {
    res.Json(200, {{"status", "ok"}});
  });

  r.Add("GET", "/metrics", false, [d](Request&, Response& res) {
    res.status = 200;
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    res.body = Metrics::Global().Render(d->db);
  });

  r.Add("GET", "/health/ready", false, [d](Request&, Response& res) {
    bool ok = true;
    int64_t depth = 0;
    nlohmann::json components;
    components["database"] =
        Probe([&] { return d->db.Query("SELECT count(*) FROM schema_migrations").status(); }, &ok);
    components["queue"] = Probe(
        [&]() -> Status {
          auto rows = d->db.Query("SELECT count(*) FROM jobs WHERE state IN ('ready', 'leased')");
          if (!rows.ok()) return rows.status();
          depth = AsInt((*rows)[0][0]);
          return Status::Ok();
        },
        &ok);
    components["queue"]["backend"] = d->config.queue;
    components["queue"]["depth"] = depth;
    components["database"]["backend"] = d->db.Dialect();
    components["storage"] = Probe([&] { return d->store.Probe(); }, &ok);
    const std::string& storage = d->config.storage;
    components["storage"]["backend"] = storage.substr(0, storage.find(':'));
    res.Json(ok ? 200 : 503, {{"status", ok ? "ok" : "error"}, {"components", components}});
  });
}

}  // namespace minutes
