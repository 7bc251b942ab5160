#pragma once
// The job queue as database rows only: workers poll the `jobs` table for ready jobs.
#include "queue/job_queue.hpp"

namespace minutes {

/// What ClaimById found.
enum class ClaimOutcome {
  kClaimed,   ///< leased to the caller
  kFinished,  ///< done, dead or gone: nothing to run, the delivery can be acknowledged
  kBusy,      ///< leased by a live worker, or waiting out a retry backoff: leave the delivery
};

/// Jobs as rows (table `jobs`). A claim leases a job to one worker until `lease_until`; a job
/// whose lease runs out (its worker died) is claimed again. Thread- and process-safe.
class DbJobQueue : public JobQueue {
 public:
  explicit DbJobQueue(Database& db) : db_(db) {}
  /// Leases the oldest ready (or lease-expired) job; sleeps a moment when there is none.
  Result<std::optional<Job>> Claim(const std::string& owner, int lease_s) override;
  /// Leases one job by id (a broker delivered it), if it can run now.
  Result<ClaimOutcome> ClaimById(const std::string& id, const std::string& owner, int lease_s,
                                 Job* job);
  Status Heartbeat(const Job& job, const std::string& owner, int lease_s) override;
  Status Complete(const Job& job) override;
  Status Release(const Job& job, const std::string& owner) override;
  Result<bool> Fail(const Job& job, const std::string& error, int max_attempts,
                    bool permanent) override;
  Result<nlohmann::json> Probe() override;

 private:
  Status Lease(Database& tx, Job& job, const std::string& owner, int lease_s);
  Database& db_;
};

}  // namespace minutes
