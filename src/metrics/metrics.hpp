#pragma once
// The service's Prometheus metrics (prometheus-cpp), shared by the API and in-process workers.
// Each process keeps its own counters: a separate `minutes worker` exports its stage durations
// on its status port (worker.status_port); queue depth and provider costs come from the
// database and are the same everywhere.
#include <functional>
#include <map>
#include <string>

#include "db/database.hpp"

namespace minutes {

class Metrics {
 public:
  static Metrics& Global();
  /// One HTTP request: `route` is the matched pattern ("/api/v1/tasks/{id}"), not the path.
  void ObserveRequest(const std::string& method, const std::string& route, int status,
                      double seconds);
  /// One pipeline stage of a job ("decode", "transcribe", "diarize", "minutes").
  void ObserveStage(const std::string& stage, double seconds);
  /// Where the HTTP edge's live figures (connections, event streams, …) are read at each scrape,
  /// as minutes_http_edge{what=…}; nullptr = none. Thread-safe.
  void SetEdgeSource(std::function<std::map<std::string, double>()> source);
  /// The text exposition format, with queue depth and provider calls/cost read from `db` now.
  std::string Render(Database& db);

 private:
  Metrics();
  struct Impl;
  Impl* impl_;
};

}  // namespace minutes
