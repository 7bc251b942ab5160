#pragma once
// The job queue: durable job rows in the database (the source of truth, and the outbox of a
// broker), delivered to workers by polling the table or through a Redis stream.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "db/database.hpp"

namespace minutes {

/// Which of a worker's threads run a job. Heavy: transcription and minutes generation — long,
/// CPU- or provider-bound, scheduled fair-share across tenants with a per-tenant cap. Light:
/// everything else (webhook deliveries) — short, but may wait on someone else's server; they
/// have threads of their own, so a slow receiver never holds a transcription slot.
enum class Lane { kHeavy, kLight };

/// The lane of a job kind: "transcribe" and "minutes" are heavy, every other kind is light.
Lane LaneOf(const std::string& kind);
/// "heavy" | "light": the `jobs.lane` column, log fields and metric labels.
std::string_view LaneName(Lane lane);

struct Job {
  std::string id, task_id, kind, payload;
  int attempts = 0;      ///< this attempt's number (1 = first)
  std::string delivery;  ///< the broker's message id, when delivered through one
  std::string tenant_id;
  Lane lane = Lane::kHeavy;
};

/// How claims share the workers between tenants (the same on every process: the limits are
/// counted in the `jobs` rows, so they hold across all workers).
struct JobQueueOptions {
  /// Heavy jobs one tenant may have running at once across all workers; 0 = no limit.
  int max_running_per_tenant = 0;
  /// Light jobs (webhook deliveries) one tenant may have running at once across all workers,
  /// so one tenant's slow receivers cannot hold every light thread; 0 = no limit.
  int max_light_running_per_tenant = 0;
};

/// Where jobs come from and where their outcome goes. Every implementation leases jobs through
/// the `jobs` rows, so a job runs on one worker at a time whatever the broker redelivers.
class JobQueue {
 public:
  virtual ~JobQueue() = default;
  /// Adds a ready job inside the caller's transaction (the task row and its job commit
  /// together), in the lane of its kind and under the task's tenant. Call Notify() after the
  /// commit.
  static Status Enqueue(Database& tx, const std::string& task_id, const std::string& kind,
                        const std::string& payload = "{}");
  /// Jobs were committed: hand them to the broker now (no-op when polling the table).
  virtual void Notify() {}
  /// Leases the next job of `lane` to `owner` for `lease_s` seconds, waiting up to about a
  /// second for one. Fair share: of the tenants with a job ready, the one with the fewest jobs
  /// of the lane running, then the one served longest ago, then the oldest job; a tenant at
  /// the lane's cap (`max_running_per_tenant`, `max_light_running_per_tenant`) gets none.
  /// Thread-safe.
  virtual Result<std::optional<Job>> Claim(const std::string& owner, int lease_s, Lane lane) = 0;
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

/// Marks the job done inside the caller's transaction, so a job's results and its completion
/// commit together: a worker killed right after the commit leaves no job to run a second time.
/// (Complete() afterwards still acknowledges the broker's delivery.)
Status CompleteJob(Database& tx, const Job& job);

/// `database` (poll the jobs table) or `redis://[user:pass@]host:port/db[?prefix=minutes]`.
Result<std::unique_ptr<JobQueue>> OpenJobQueue(const std::string& url, Database& db,
                                               JobQueueOptions options = {});

}  // namespace minutes
