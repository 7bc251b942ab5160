#pragma once
// What a separate `minutes worker` process shows its operator over HTTP: GET /health (liveness:
// the process answers, with the jobs it is running, by lane), GET /health/ready (its database
// answers) and GET /metrics (Prometheus text: its own stage durations, plus the queue depth and
// provider costs it reads from the database). The API's /metrics cannot see another process's
// counters.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/status.hpp"
#include "db/database.hpp"

namespace minutes {

class StatusServer {
 public:
  /// `running_jobs` reports the jobs in progress now, by lane ("heavy", "light").
  StatusServer(Database& db, std::function<std::map<std::string, int>()> running_jobs);
  ~StatusServer();
  /// Listens on host:port (0 = any free port).
  Status Start(const std::string& host, int port);
  void Stop();
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace minutes
