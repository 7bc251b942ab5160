#pragma once
// The job queue as database rows only: workers poll the `jobs` table for ready jobs.
#include "queue/job_queue.hpp"

namespace minutes {

/// What ClaimById found.
enum class ClaimOutcome {
  kClaimed,   ///< leased to the caller
  kFinished,  ///< done, dead or gone: nothing to run, the delivery can be acknowledged
  kBusy,      ///< leased by a live worker, or waiting out a retry backoff: leave the delivery
  kDeferred,  ///< could run, but not now: its tenant is at its cap or it is another tenant's
              ///< turn (or it belongs to the other lane); leave the delivery
};

/// Jobs as rows (table `jobs`). A claim leases a job to one worker until `lease_until`; a job
/// whose lease runs out (its worker died) is claimed again. Thread- and process-safe.
class DbJobQueue : public JobQueue {
 public:
  explicit DbJobQueue(Database& db, JobQueueOptions options = {}) : db_(db), options_(options) {}
  /// Leases the fairest ready (or lease-expired) job of `lane`; sleeps a moment when there is
  /// none.
  Result<std::optional<Job>> Claim(const std::string& owner, int lease_s, Lane lane) override;
  /// Claim without the sleep. `expired_leases`: also take jobs whose worker died (a broker
  /// that redelivers those itself passes false).
  Result<std::optional<Job>> ClaimNext(const std::string& owner, int lease_s, Lane lane,
                                       bool expired_leases);
  /// Leases one job by id (a broker delivered it) if it can run now in `lane` and it is its
  /// tenant's turn. A job whose worker died skips the turn (it had one) but not the cap.
  Result<ClaimOutcome> ClaimById(const std::string& id, const std::string& owner, int lease_s,
                                 Lane lane, Job* job);
  Status Heartbeat(const Job& job, const std::string& owner, int lease_s) override;
  Status Complete(const Job& job) override;
  Status Release(const Job& job, const std::string& owner) override;
  Result<bool> Fail(const Job& job, const std::string& error, int max_attempts,
                    bool permanent) override;
  /// {"depth": n, "lanes": {"heavy": n, "light": n}}: jobs waiting or running.
  Result<nlohmann::json> Probe() override;

 private:
  Status Lease(Database& tx, Job& job, const std::string& owner, int lease_s);
  int CapOf(Lane lane) const {
    return lane == Lane::kHeavy ? options_.max_running_per_tenant
                                : options_.max_light_running_per_tenant;
  }
  Database& db_;
  JobQueueOptions options_;
};

}  // namespace minutes
