#pragma once
// The job queue on a Redis stream with a consumer group. The `jobs` rows stay the source of
// truth and the outbox: a committed job is published to the stream by a pump thread (at once
// on Notify, and every second for jobs created while Redis was down), workers read the stream
// with XREADGROUP, take over deliveries of dead workers with XAUTOCLAIM, and lease the row by
// id before running it — so a redelivered or duplicated message never runs a job twice.
//
// Lanes and fair share: each lane has its own stream (`<prefix>:jobs` heavy, `<prefix>:jobs:light`
// light) read only by that lane's threads, so a light message never waits behind a heavy one.
// The stream delivers in arrival order, but the table decides who runs: a delivered job is
// leased only if it is its tenant's turn and its tenant is under the cap (ClaimById); if not,
// the delivery is left pending — not acknowledged, so Redis itself delivers it again (to
// whoever runs XAUTOCLAIM once it has been idle a lease) should it still be waiting then — and
// the worker leases the fairest ready job from the table instead. A claim that the stream gave
// nothing to run (it timed out, or its message was busy, finished or not its turn) also asks
// the table, so a job whose delivery is parked behind a cap starts as soon as a slot of its
// tenant frees, not a lease later. Nothing is lost (the row stays ready until a lease; its
// message stays pending until it is done) and nothing runs twice (every path leases the row).
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "queue/db_job_queue.hpp"
#include "queue/redis_client.hpp"

namespace minutes {

class RedisJobQueue : public JobQueue {
 public:
  RedisJobQueue(Database& db, RedisUrl url, JobQueueOptions options = {});
  ~RedisJobQueue() override;
  void Notify() override;
  /// Reads the lane's stream (blocking up to 1 s), then asks the table when that gave nothing
  /// to run. While Redis is unreachable, polls the jobs table only, so work goes on.
  Result<std::optional<Job>> Claim(const std::string& owner, int lease_s, Lane lane) override;
  Status Heartbeat(const Job& job, const std::string& owner, int lease_s) override;
  Status Complete(const Job& job) override;
  Status Release(const Job& job, const std::string& owner) override;
  /// A dead job is also added to the dead-letter stream `<prefix>:jobs:dead`.
  Result<bool> Fail(const Job& job, const std::string& error, int max_attempts,
                    bool permanent) override;
  Result<nlohmann::json> Probe() override;

  /// Publishes every committed, unpublished ready job now (the pump does this; public for
  /// tests). Returns how many were published.
  Result<int> DrainOutbox();
  /// Deletes stream entries every consumer group has acknowledged (the pump does this every
  /// minute; public for tests).
  void Trim();
  /// The heavy lane's stream (`<prefix>:jobs`).
  const std::string& stream() const { return stream_; }
  /// The light lane's stream (`<prefix>:jobs:light`).
  const std::string& light_stream() const { return light_stream_; }
  const std::string& StreamOf(Lane lane) const {
    return lane == Lane::kLight ? light_stream_ : stream_;
  }
  const std::string& dead_stream() const { return dead_; }
  const std::string& group() const { return group_; }

 private:
  struct Lease;  // a pooled connection, returned on destruction
  Lease Acquire();
  void Return(std::unique_ptr<RedisConnection> c);
  void Pump();
  void Acknowledge(const Job& job);
  /// The stream or its group is gone (Redis restarted without its data): recreate the group
  /// and mark every unfinished job unpublished so the pump publishes it again.
  void Recover(RedisConnection& c);
  /// Recover for one lane's stream; true when the group was created.
  bool RecoverLane(RedisConnection& c, Lane lane);
  Result<std::optional<Job>> Deliver(RedisConnection& c, const RedisValue& entry,
                                     const std::string& owner, int lease_s, Lane lane);
  void TrimAcknowledged(RedisConnection& c, const std::string& stream);
  void SetReachable(bool up, const std::string& why);

  Database& db_;
  DbJobQueue rows_;
  RedisUrl url_;
  std::string stream_, light_stream_, dead_, group_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<RedisConnection>> pool_;
  std::atomic<int64_t> retry_at_ms_{0};  ///< no new connection attempt before (steady ms)
  std::atomic<int64_t> autoclaim_at_ms_[2] = {0, 0};  ///< per lane
  std::atomic<bool> reachable_{true};
  std::mutex pump_mu_;
  std::condition_variable pump_cv_;
  bool notified_ = false, stop_ = false;
  std::thread pump_;
};

}  // namespace minutes
