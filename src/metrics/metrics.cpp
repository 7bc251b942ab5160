#include "metrics/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>
#include <unordered_map>

#include "store/jobs.hpp"
#include "store/usage.hpp"

namespace minutes {

struct Metrics::Impl {
  prometheus::Registry registry;
  prometheus::Family<prometheus::Counter>& requests =
      prometheus::BuildCounter()
          .Name("http_requests_total")
          .Help("HTTP requests by method, route and status")
          .Register(registry);
  prometheus::Family<prometheus::Histogram>& latency = prometheus::BuildHistogram()
                                                           .Name("http_request_duration_seconds")
                                                           .Help("HTTP request latency by route")
                                                           .Register(registry);
  prometheus::Family<prometheus::Histogram>& stages =
      prometheus::BuildHistogram()
          .Name("minutes_stage_duration_seconds")
          .Help("Pipeline stage durations (in-process workers)")
          .Register(registry);
  prometheus::Family<prometheus::Gauge>& queue = prometheus::BuildGauge()
                                                     .Name("minutes_queue_depth")
                                                     .Help("Jobs in the queue by lane and state")
                                                     .Register(registry);
  prometheus::Family<prometheus::Gauge>& calls =
      prometheus::BuildGauge()
          .Name("minutes_provider_calls_total")
          .Help("Speech and language model calls recorded, by provider")
          .Register(registry);
  prometheus::Family<prometheus::Gauge>& cost =
      prometheus::BuildGauge()
          .Name("minutes_provider_cost_total")
          .Help("Cost of provider calls from the price table, by provider")
          .Register(registry);
  prometheus::Family<prometheus::Gauge>& edge =
      prometheus::BuildGauge()
          .Name("minutes_http_edge")
          .Help(
              "The HTTP edge now: connections, event_streams, handlers_alive, handler_queue, "
              "blocking_threads (for long waits: password hashes, provider calls); since start: "
              "refused_connections, blocking_calls")
          .Register(registry);
  std::function<std::map<std::string, double>()> edge_source;
  std::mutex scrape;  // Render sets gauges; one scrape at a time
  // Metric children by label key: prometheus-cpp's Add hashes a label map under a lock on
  // every call; requests look theirs up here instead.
  std::mutex mu;
  std::unordered_map<std::string, std::pair<prometheus::Counter*, prometheus::Histogram*>> http;
};

Metrics& Metrics::Global() {
  static Metrics* m = new Metrics;  // never destroyed: threads may report while exiting
  return *m;
}

Metrics::Metrics() : impl_(new Impl) {}

void Metrics::ObserveRequest(const std::string& method, const std::string& route, int status,
                             double seconds) {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
  const std::string r = route.empty() ? "unmatched" : route;
  std::string key = method + " " + r + " " + std::to_string(status);
  std::pair<prometheus::Counter*, prometheus::Histogram*> m;
  {
    std::lock_guard lock(impl_->mu);
    auto it = impl_->http.find(key);
    if (it == impl_->http.end()) {
      m = {&impl_->requests.Add(
               {{"method", method}, {"route", r}, {"status", std::to_string(status)}}),
           &impl_->latency.Add({{"route", r}}, kBuckets)};
      impl_->http.emplace(key, m);
    } else {
      m = it->second;
    }
  }
  m.first->Increment();
  m.second->Observe(seconds);
}

void Metrics::ObserveStage(const std::string& stage, double seconds) {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {0.1, 0.5, 1,   2.5, 5,   10,
                                                                   30,  60,  120, 300, 900, 3600};
  impl_->stages.Add({{"stage", stage}}, kBuckets).Observe(seconds);
}

void Metrics::SetEdgeSource(std::function<std::map<std::string, double>()> source) {
  std::lock_guard lock(impl_->scrape);
  impl_->edge_source = std::move(source);
}

std::string Metrics::Render(Database& db) {
  std::lock_guard lock(impl_->scrape);
  if (impl_->edge_source)
    for (const auto& [what, value] : impl_->edge_source())
      impl_->edge.Add({{"what", what}}).Set(value);
  for (const char* lane : {"heavy", "light"})
    for (const char* state : {"ready", "leased", "dead"})
      impl_->queue.Add({{"lane", lane}, {"state", state}}).Set(0);
  if (auto jobs = CountJobs(db); jobs.ok())
    for (const JobCount& j : *jobs)
      impl_->queue.Add({{"lane", j.lane}, {"state", j.state}}).Set(static_cast<double>(j.count));
  if (auto usage = ProviderUsageTotals(db); usage.ok())
    for (const ProviderUsage& u : *usage) {
      impl_->calls.Add({{"provider", u.provider}}).Set(static_cast<double>(u.calls));
      impl_->cost.Add({{"provider", u.provider}}).Set(u.cost);
    }
  return prometheus::TextSerializer().Serialize(impl_->registry.Collect());
}

}  // namespace minutes
