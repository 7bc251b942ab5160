// GET /health (liveness) and GET /health/ready (each backend really probed).
#include <chrono>

#include "api/routes.hpp"

namespace minutes {

void AddHealthRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;
  r.Add("GET", "/health", false, [](Request&, Response& res) {
    res.Json(200, {{"status", "ok"}});
  });

  r.Add("GET", "/health/ready", false, [d](Request&, Response& res) {
    auto t0 = std::chrono::steady_clock::now();
    auto rows = d->db.Query("SELECT count(*) FROM schema_migrations");
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::json db = {{"status", rows.ok() ? "ok" : "error"}, {"latency_ms", ms}};
    if (!rows.ok()) db["error"] = rows.status().message();
    res.Json(rows.ok() ? 200 : 503,
             {{"status", rows.ok() ? "ok" : "error"}, {"components", {{"database", db}}}});
  });
}

}  // namespace minutes
