// GET /health (liveness: the process answers) and GET /health/ready (each backend really
// probed: a database query, the queue's depth, and an object written, read back and deleted;
// the free space of the file store's and the temporary directory's volumes, degraded when low).
#include <chrono>
#include <filesystem>

#include "api/contract.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "metrics/metrics.hpp"
#include "store/schema.hpp"

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
  r.Add("GET", "/health", false,
        Contract("getHealth", "health", "Liveness: the process answers")
            .Returns(200, "alive", schema::Ref("Liveness")),
        [](Request&, Response& res) {
          res.Json(200, {{"status", "ok"}});
        });

  r.Add(
      "GET", "/metrics", false,
      Contract("getMetrics", "health",
               "Prometheus metrics: requests, latency, queue depth, stages, provider cost")
          .Returns(200, "the text exposition format (version 0.0.4)", schema::Str(), "text/plain"),
      [d](Request&, Response& res) {
        res.status = 200;
        res.content_type = "text/plain; version=0.0.4; charset=utf-8";
        res.body = Metrics::Global().Render(d->db);
      });

  r.Add("GET", "/health/ready", false,
        Contract("getReadiness", "health",
                 "Readiness: database, queue, storage and free space probed, with latencies")
            .Returns(200, "ready (status ok or degraded)", schema::Ref("Readiness"))
            .Returns(503, "a component failed", schema::Ref("Readiness")),
        [d](Request&, Response& res) {
          bool ok = true;
          nlohmann::json components;
          components["database"] = Probe([&] { return ProbeSchema(d->db); }, &ok);
          // A broker that is down does not make the API unready: tasks still go into the database
          // outbox and workers poll the table meanwhile. It is reported as degraded.
          nlohmann::json queue_info;
          bool queue_ok = true;
          components["queue"] = Probe(
              [&]() -> Status {
                if (!d->queue) return Status::Internal("no queue configured");
                auto info = d->queue->Probe();
                if (!info.ok()) return info.status();
                queue_info = *info;
                return Status::Ok();
              },
              &queue_ok);
          if (queue_info.is_object()) components["queue"].update(queue_info);
          components["queue"]["backend"] = d->config.queue.substr(0, d->config.queue.find(':'));
          bool degraded = !queue_ok && d->config.queue != "database";
          if (degraded) components["queue"]["status"] = "degraded";
          if (!queue_ok && !degraded) ok = false;
          components["database"]["backend"] = d->db.Dialect();
          components["storage"] = Probe([&] { return d->store.Probe(); }, &ok);
          const std::string& storage = d->config.storage;
          components["storage"]["backend"] = storage.substr(0, storage.find(':'));
          // Volumes running out of space are degraded before they are full: uploads to a full one
          // are refused with 507.
          nlohmann::json volumes = nlohmann::json::array();
          bool disk_low = false, disk_error = false;
          const std::string& temp = d->config.worker.temp_dir;
          std::error_code ec;
          std::filesystem::path temp_dir =
              temp.empty() ? std::filesystem::temp_directory_path(ec) : std::filesystem::path(temp);
          for (auto [purpose, dir] :
               {std::pair{"storage", d->store.LocalDirectory()}, std::pair{"temp", temp_dir}}) {
            if (dir.empty()) continue;
            auto space = MeasureVolume(dir);
            if (!space.ok()) {
              disk_error = true;
              volumes.push_back(
                  {{"purpose", purpose}, {"status", "error"}, {"error", space.status().message()}});
              continue;
            }
            bool low = space->Low(d->config.health.min_free_mb, d->config.health.min_free_percent);
            disk_low = disk_low || low;
            if (low && std::string(purpose) == "storage" && components["storage"]["status"] == "ok")
              components["storage"]["status"] = "degraded";
            volumes.push_back({{"purpose", purpose},
                               {"status", low ? "degraded" : "ok"},
                               {"available_bytes", space->available_bytes},
                               {"total_bytes", space->total_bytes}});
          }
          if (!volumes.empty()) {
            components["disk"] = {{"status", disk_error || disk_low ? "degraded" : "ok"},
                                  {"volumes", volumes}};
            if (disk_low || disk_error) {
              components["disk"]["min_free_mb"] = d->config.health.min_free_mb;
              components["disk"]["min_free_percent"] = d->config.health.min_free_percent;
              degraded = true;
            }
          }
          res.Json(ok ? 200 : 503, {{"status", !ok        ? "error"
                                               : degraded ? "degraded"
                                                          : "ok"},
                                    {"components", components}});
        });
}

}  // namespace minutes
