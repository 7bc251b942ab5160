#pragma once
// The job queue: durable job rows in the database (the source of truth, and the outbox of a
// broker), delivered to workers by polling the table or through a Redis stream.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "db/database.hpp"

namespace minutes {

struct Job {
  std::string id, task_id, kind, payload;
  int attempts = 0;      ///< this attempt's number (1 = first)
  std::string delivery;  ///< the broker's message id, when delivered through one
};

/// Where jobs come from and where their outcome goes. Every implementation leases jobs through
/// the `jobs` rows, so a job runs on one worker at a time whatever the broker redelivers.
class JobQueue {
 public:
  virtual ~JobQueue() = default;
  /// Adds a ready job inside the caller's transaction (the task row and its job commit
  /// together). Call Notify() after the commit.
  static Status Enqueue(Database& tx, const std::string& task_id, const std::string& kind,
                        const std::string& payload = "{}");
  /// Jobs were committed: hand them to the broker now (no-op when polling the table).
  virtual void Notify() {}
  /// Leases the next job to `owner` for `lease_s` seconds, waiting up to about a second for one.
  virtual Result<std::optional<Job>> Claim(const std::string& owner, int lease_s) = 0;
  /// Extends a lease while work goes on.
  virtual Status Heartbeat(const Job& job, const std::string& owner, int lease_s) = 0;
  virtual Status Complete(const Job& job) = 0;
  /// Gives a job back unfinished (a worker stopping): ready at once for another worker, and the
  /// attempt does not count. Only while `owner` still holds the lease.
  virtual Status Release(const Job& job, const std::string& owner) = 0;
  /// Records a failure: ready again after a backoff, or dead after `max_attempts` (or at once
  /// when `permanent`). Returns true when the job is dead.
  virtual Result<bool> Fail(const Job& job, const std::string& error, int max_attempts,
                            bool permanent) = 0;
  /// For /health/ready: reaches the broker; {"depth": jobs waiting or running, …}.
  virtual Result<nlohmann::json> Probe() = 0;
};

/// Whether `owner` still holds the job's lease (checked inside the transaction that writes a
/// job's results, so a worker whose lease ran out never writes over the one that took it over).
Result<bool> HoldsLease(Database& tx, const Job& job, const std::string& owner);

/// `database` (poll the jobs table) or `redis://[user:pass@]host:port/db[?prefix=minutes]`.
Result<std::unique_ptr<JobQueue>> OpenJobQueue(const std::string& url, Database& db);

}  // namespace minutes
