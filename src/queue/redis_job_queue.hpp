#pragma once
// The job queue on a Redis stream with a consumer group. The `jobs` rows stay the source of
// truth and the outbox: a committed job is published to the stream by a pump thread (at once
// on Notify, and every second for jobs created while Redis was down), workers read the stream
// with XREADGROUP, take over deliveries of dead workers with XAUTOCLAIM, and lease the row by
// id before running it — so a redelivered or duplicated message never runs a job twice.
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
  RedisJobQueue(Database& db, RedisUrl url);
  ~RedisJobQueue() override;
  void Notify() override;
  /// Reads the stream (blocking up to 1 s). While Redis is unreachable, falls back to polling
  /// the jobs table so work goes on.
  Result<std::optional<Job>> Claim(const std::string& owner, int lease_s) override;
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
  const std::string& stream() const { return stream_; }
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
  Result<std::optional<Job>> Deliver(RedisConnection& c, const RedisValue& entry,
                                     const std::string& owner, int lease_s);
  void TrimAcknowledged(RedisConnection& c);
  void SetReachable(bool up, const std::string& why);

  Database& db_;
  DbJobQueue rows_;
  RedisUrl url_;
  std::string stream_, dead_, group_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<RedisConnection>> pool_;
  std::atomic<int64_t> retry_at_ms_{0};  ///< no new connection attempt before (steady ms)
  std::atomic<int64_t> autoclaim_at_ms_{0};
  std::atomic<bool> reachable_{true};
  std::mutex pump_mu_;
  std::condition_variable pump_cv_;
  bool notified_ = false, stop_ = false;
  std::thread pump_;
};

}  // namespace minutes
