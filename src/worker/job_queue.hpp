#pragma once
// The durable job queue in the database: rows with a lease, claimed atomically.
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "db/database.hpp"

namespace minutes {

struct Job {
  std::string id, task_id, kind, payload;
  int attempts = 0;
};

/// Jobs as rows (table `jobs`). A claim leases a job to one worker until `lease_until`; a job
/// whose lease runs out (its worker died) is claimed again. Thread- and process-safe.
class DbJobQueue {
 public:
  explicit DbJobQueue(Database& db, int max_attempts = 3) : db_(db), max_attempts_(max_attempts) {}
  /// Adds a ready job inside the caller's transaction (the task row and its job commit together).
  static Status Enqueue(Database& tx, const std::string& task_id, const std::string& kind,
                        const std::string& payload = "{}");
  /// Leases the oldest ready (or lease-expired) job to `owner` for `lease_s` seconds.
  Result<std::optional<Job>> Claim(const std::string& owner, int lease_s);
  /// Extends a lease while work goes on.
  Status Heartbeat(const Job& job, const std::string& owner, int lease_s);
  Status Complete(const Job& job);
  /// Gives a job back unfinished (a worker stopping): ready at once for another worker, and the
  /// attempt does not count. Only while `owner` still holds the lease.
  Status Release(const Job& job, const std::string& owner);
  /// Whether `owner` still holds the job's lease (checked before results are written, so a
  /// worker whose lease ran out never writes over the one that took the job over).
  Result<bool> Holds(Database& tx, const Job& job, const std::string& owner);
  /// Records a failure: back to ready after a backoff, or dead after max_attempts.
  /// Returns true when the job is dead (no more retries).
  Result<bool> Fail(const Job& job, const std::string& error);

 private:
  Database& db_;
  int max_attempts_;
};

}  // namespace minutes
