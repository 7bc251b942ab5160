#include "queue/redis_job_queue.hpp"

#include <chrono>

#include "core/clock.hpp"
#include "log/log.hpp"

namespace minutes {
namespace {

constexpr auto kTimeout = std::chrono::milliseconds(5000);  // > the 1 s XREADGROUP block
constexpr int kBlockMs = 1000;
constexpr int kBatch = 200;

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool IsNoGroup(const Status& s) { return s.code() == "NOGROUP"; }

// The job id field of a stream entry [id, [field, value, …]]; empty when malformed.
std::string JobIdOf(const RedisValue& entry) {
  if (entry.elements.size() < 2) return "";
  const auto& fields = entry.elements[1].elements;
  for (size_t i = 0; i + 1 < fields.size(); i += 2)
    if (fields[i].str == "job") return fields[i + 1].str;
  return "";
}

}  // namespace

struct RedisJobQueue::Lease {
  RedisJobQueue* q = nullptr;
  std::unique_ptr<RedisConnection> c;
  Lease() = default;
  Lease(RedisJobQueue* queue, std::unique_ptr<RedisConnection> conn)
      : q(queue), c(std::move(conn)) {}
  Lease(Lease&&) = default;
  ~Lease() {
    if (q && c) q->Return(std::move(c));
  }
  explicit operator bool() const { return c != nullptr; }
  RedisConnection* operator->() { return c.get(); }
};

RedisJobQueue::RedisJobQueue(Database& db, RedisUrl url, JobQueueOptions options)
    : db_(db),
      rows_(db, options),
      url_(std::move(url)),
      stream_(url_.prefix + ":jobs"),
      light_stream_(url_.prefix + ":jobs:light"),
      dead_(url_.prefix + ":jobs:dead"),
      group_(url_.prefix + "-workers") {
  if (auto c = Acquire()) Recover(*c.c);  // creates the groups; a no-op when they exist
  pump_ = std::thread(&RedisJobQueue::Pump, this);
}

RedisJobQueue::~RedisJobQueue() {
  {
    std::lock_guard lock(pump_mu_);
    stop_ = true;
  }
  pump_cv_.notify_all();
  pump_.join();
}

void RedisJobQueue::SetReachable(bool up, const std::string& why) {
  if (reachable_.exchange(up) == up) return;
  if (up)
    LogEvent(LogLevel::kInfo, "queue_recovered", {{"backend", "redis"}});
  else
    LogEvent(LogLevel::kWarn, "queue_unavailable",
             {{"backend", "redis"},
              {"error", why},
              {"action", "jobs stay in the database outbox; workers poll the database"}});
}

RedisJobQueue::Lease RedisJobQueue::Acquire() {
  {
    std::lock_guard lock(pool_mu_);
    if (!pool_.empty()) {
      auto c = std::move(pool_.back());
      pool_.pop_back();
      return Lease(this, std::move(c));
    }
  }
  if (SteadyMs() < retry_at_ms_) return {};
  auto c = RedisConnection::Connect(url_, kTimeout);
  if (!c.ok()) {
    retry_at_ms_ = SteadyMs() + 1000;
    SetReachable(false, c.status().message());
    return {};
  }
  SetReachable(true, "");
  return Lease(this, std::move(*c));
}

void RedisJobQueue::Return(std::unique_ptr<RedisConnection> c) {
  if (c->broken()) {
    retry_at_ms_ = SteadyMs() + 1000;
    SetReachable(false, "connection lost");
    return;
  }
  std::lock_guard lock(pool_mu_);
  pool_.push_back(std::move(c));
}

void RedisJobQueue::Notify() {
  {
    std::lock_guard lock(pump_mu_);
    notified_ = true;
  }
  pump_cv_.notify_one();
}

void RedisJobQueue::Pump() {
  int64_t trim_at = SteadyMs() + 60'000;
  std::unique_lock lock(pump_mu_);
  while (!stop_) {
    pump_cv_.wait_for(lock, std::chrono::seconds(1), [&] { return notified_ || stop_; });
    if (stop_) break;
    notified_ = false;
    lock.unlock();
    (void)DrainOutbox();
    if (SteadyMs() >= trim_at) {
      trim_at = SteadyMs() + 60'000;
      Trim();
    }
    lock.lock();
  }
}

Result<int> RedisJobQueue::DrainOutbox() {
  auto c = Acquire();
  if (!c) return Status(ErrorKind::kUnavailable, "redis unreachable");
  int total = 0;
  for (;;) {
    // Read, publish, then mark published only the rows still as they were read (ready, same
    // attempt count). A job claimed meanwhile keeps published = 0 and, should it fail, is
    // published again for its retry; a crash before the mark publishes a job twice — harmless,
    // the row lease runs it once. No transaction spans the Redis call, so none conflicts with
    // the task inserts and claims going on meanwhile.
    // Also leased jobs whose worker died before the job was ever published (leased from the
    // table while Redis was down, or by a claim that asked the table): no delivery of theirs
    // is pending for XAUTOCLAIM to bring back, so they get one now.
    std::string now = IsoFromNow(0);
    auto rows = db_.Query(
        "SELECT id, attempts, lane FROM jobs WHERE published = 0 AND ((state = 'ready' AND "
        "run_after <= ?) OR (state = 'leased' AND lease_until < ?)) ORDER BY created_at LIMIT " +
            std::to_string(kBatch),
        {now, now});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return total;
    std::vector<RedisCommand> adds;
    std::string in;
    std::vector<DbValue> params;
    for (const auto& r : *rows) {
      Lane lane = AsString(r[2]) == "light" ? Lane::kLight : Lane::kHeavy;
      adds.push_back({"XADD", StreamOf(lane), "*", "job", AsString(r[0])});
      in += in.empty() ? "(?, ?)" : ", (?, ?)";
      params.push_back(AsString(r[0]));
      params.emplace_back(std::in_place_type<int64_t>, AsInt(r[1]));
    }
    auto replies = c->Pipeline(adds);
    if (!replies.ok()) return replies.status();
    for (const auto& v : *replies)
      if (v.type == RedisValue::Type::kError) return Status::Internal("XADD: " + v.str);
    if (Status s = db_.Exec("UPDATE jobs SET published = 1 WHERE published = 0 AND state IN "
                            "('ready', 'leased') AND (id, attempts) IN (" +
                                in + ")",
                            params);
        !s.ok())
      return s;
    total += static_cast<int>(rows->size());
    if (static_cast<int>(rows->size()) < kBatch) return total;
  }
}

void RedisJobQueue::Recover(RedisConnection& c) {
  bool created = RecoverLane(c, Lane::kHeavy);
  created = RecoverLane(c, Lane::kLight) || created;
  if (created) Notify();
}

bool RedisJobQueue::RecoverLane(RedisConnection& c, Lane lane) {
  const std::string& stream = StreamOf(lane);
  auto r = c.Run({"XGROUP", "CREATE", stream, group_, "0", "MKSTREAM"});
  if (!r.ok()) return false;  // BUSYGROUP: it exists; anything else: tried again later
  // A new group: whatever was published to this stream before is gone (or this is the first
  // start, or the first since lanes came).
  auto n = db_.Exec(
      "UPDATE jobs SET published = 0 WHERE lane = ? AND state IN ('ready', 'leased') AND "
      "published = 1",
      {std::string(LaneName(lane))});
  LogEvent(LogLevel::kInfo, "queue_group_created",
           {{"stream", stream}, {"group", group_}, {"action", "unfinished jobs republished"}});
  (void)n;
  return true;
}

Result<std::optional<Job>> RedisJobQueue::Deliver(RedisConnection& c, const RedisValue& entry,
                                                  const std::string& owner, int lease_s,
                                                  Lane lane) {
  if (entry.elements.empty()) return std::optional<Job>();
  const std::string& msg = entry.elements[0].str;
  std::string id = JobIdOf(entry);
  Job job;
  auto outcome = id.empty() ? Result<ClaimOutcome>(ClaimOutcome::kFinished)
                            : rows_.ClaimById(id, owner, lease_s, lane, &job);
  if (!outcome.ok()) return outcome.status();  // left pending: taken again after the lease
  if (*outcome == ClaimOutcome::kFinished) (void)c.Run({"XACK", StreamOf(lane), group_, msg});
  // Busy or deferred: left pending (see the header), never acknowledged while the job may
  // still need to run.
  if (*outcome != ClaimOutcome::kClaimed) return std::optional<Job>();
  job.delivery = msg;
  return std::optional<Job>(job);
}

Result<std::optional<Job>> RedisJobQueue::Claim(const std::string& owner, int lease_s, Lane lane) {
  auto c = Acquire();
  if (!c) return rows_.Claim(owner, lease_s, lane);  // degraded: poll the table
  const std::string& stream = StreamOf(lane);
  std::atomic<int64_t>& autoclaim_at = autoclaim_at_ms_[lane == Lane::kLight ? 1 : 0];
  // Deliveries whose consumer has been silent longer than a lease: that worker died (or the
  // delivery was left for a tenant's turn, and is looked at again).
  if (SteadyMs() >= autoclaim_at) {
    autoclaim_at = SteadyMs() + 1000;
    auto r = c->Run(
        {"XAUTOCLAIM", stream, group_, owner, std::to_string(lease_s * 1000), "0-0", "COUNT", "1"});
    if (!r.ok()) {
      if (IsNoGroup(r.status())) Recover(*c.c);
      return r.status().kind() == ErrorKind::kUnavailable ? rows_.Claim(owner, lease_s, lane)
                                                          : std::optional<Job>();
    }
    if (r->elements.size() >= 2 && !r->elements[1].elements.empty()) {
      auto job = Deliver(*c.c, r->elements[1].elements[0], owner, lease_s, lane);
      if (!job.ok() || job->has_value()) return job;
      autoclaim_at = 0;  // there may be more
    }
  }
  auto r = c->Run({"XREADGROUP", "GROUP", group_, owner, "COUNT", "1", "BLOCK",
                   std::to_string(kBlockMs), "STREAMS", stream, ">"});
  if (!r.ok()) {
    if (IsNoGroup(r.status())) Recover(*c.c);
    return std::optional<Job>();
  }
  // [[stream, [[id, [field, value…]]]]], or nil when the block timed out
  if (!r->nil() && !r->elements.empty() && r->elements[0].elements.size() >= 2 &&
      !r->elements[0].elements[1].elements.empty()) {
    auto job = Deliver(*c.c, r->elements[0].elements[1].elements[0], owner, lease_s, lane);
    if (!job.ok() || job->has_value()) return job;
  }
  // The stream gave nothing to run: the table decides. Ready jobs only — a dead worker's job
  // comes back through its pending delivery (XAUTOCLAIM) or, never published, the pump.
  return rows_.ClaimNext(owner, lease_s, lane, false);
}

Status RedisJobQueue::Heartbeat(const Job& job, const std::string& owner, int lease_s) {
  Status s = rows_.Heartbeat(job, owner, lease_s);
  if (!job.delivery.empty()) {
    if (auto c = Acquire())  // resets the delivery's idle time, so XAUTOCLAIM leaves it alone
      (void)c->Run({"XCLAIM", StreamOf(job.lane), group_, owner, "0", job.delivery, "JUSTID"});
  }
  return s;
}

void RedisJobQueue::Acknowledge(const Job& job) {
  if (job.delivery.empty()) return;
  if (auto c = Acquire()) (void)c->Run({"XACK", StreamOf(job.lane), group_, job.delivery});
}

Status RedisJobQueue::Complete(const Job& job) {
  Status s = rows_.Complete(job);
  if (s.ok()) Acknowledge(job);
  return s;
}

Status RedisJobQueue::Release(const Job& job, const std::string& owner) {
  Status s = rows_.Release(job, owner);
  Acknowledge(job);
  if (!s.ok()) return s;
  // Published again right here rather than by the pump: a release restores the attempt count,
  // so the pump's "still as read" check could not tell this row from the one it published.
  if (auto c = Acquire()) {
    auto added = c->Run({"XADD", StreamOf(job.lane), "*", "job", job.id});
    if (added.ok())
      (void)db_.Exec("UPDATE jobs SET published = 1 WHERE id = ? AND state = 'ready'", {job.id});
  }
  Notify();
  return s;
}

Result<bool> RedisJobQueue::Fail(const Job& job, const std::string& error, int max_attempts,
                                 bool permanent) {
  auto dead = rows_.Fail(job, error, max_attempts, permanent);
  if (!dead.ok()) return dead;
  Acknowledge(job);  // a retry is published again by the pump once its backoff is over
  if (*dead) {
    if (auto c = Acquire())
      (void)c->Run({"XADD",     dead_,
                    "MAXLEN",   "~",
                    "100000",   "*",
                    "job",      job.id,
                    "task",     job.task_id,
                    "kind",     job.kind,
                    "lane",     std::string(LaneName(job.lane)),
                    "tenant",   job.tenant_id,
                    "attempts", std::to_string(job.attempts),
                    "error",    error,
                    "at",       NowIso()});
  }
  return dead;
}

void RedisJobQueue::Trim() {
  if (auto c = Acquire())
    for (const std::string* stream : {&stream_, &light_stream_}) TrimAcknowledged(*c.c, *stream);
}

void RedisJobQueue::TrimAcknowledged(RedisConnection& c, const std::string& stream) {
  // Entries older than the oldest unacknowledged one have all been handled.
  auto pending = c.Run({"XPENDING", stream, group_});
  if (!pending.ok() || pending->elements.size() < 2) return;
  std::string keep_from = pending->elements[1].str;  // smallest pending id (nil when none)
  if (pending->elements[0].integer == 0) {
    auto groups = c.Run({"XINFO", "GROUPS", stream});
    if (!groups.ok()) return;
    for (const auto& g : groups->elements)
      for (size_t i = 0; i + 1 < g.elements.size(); i += 2)
        if (g.elements[i].str == "name" && g.elements[i + 1].str != group_) return;  // others
    for (const auto& g : groups->elements)
      for (size_t i = 0; i + 1 < g.elements.size(); i += 2)
        if (g.elements[i].str == "last-delivered-id") keep_from = g.elements[i + 1].str;
  }
  if (!keep_from.empty()) (void)c.Run({"XTRIM", stream, "MINID", keep_from});
}

Result<nlohmann::json> RedisJobQueue::Probe() {
  auto depth = rows_.Probe();
  if (!depth.ok()) return depth;
  std::string where = "redis " + url_.host + ":" + std::to_string(url_.port);
  auto c = Acquire();
  if (!c) return Status(ErrorKind::kUnavailable, where + " unreachable");
  auto replies =
      c->Pipeline({{"PING"}, {"XLEN", stream_}, {"XLEN", dead_}, {"XLEN", light_stream_}});
  if (!replies.ok())
    return Status(ErrorKind::kUnavailable, where + ": " + replies.status().message());
  nlohmann::json out = *depth;
  out["stream"] = stream_;
  out["stream_length"] = (*replies)[1].integer;
  out["dead_letters"] = (*replies)[2].integer;
  out["light_stream"] = light_stream_;
  out["light_stream_length"] = (*replies)[3].integer;
  auto outbox = db_.Query("SELECT count(*) FROM jobs WHERE published = 0 AND state = 'ready'");
  if (outbox.ok()) out["unpublished"] = AsInt((*outbox)[0][0]);
  return out;
}

Result<std::unique_ptr<JobQueue>> OpenJobQueue(const std::string& url, Database& db,
                                               JobQueueOptions options) {
  if (url.empty() || url == "database")
    return std::unique_ptr<JobQueue>(new DbJobQueue(db, options));
  auto parsed = ParseRedisUrl(url);
  if (!parsed.ok()) return parsed.status();
  return std::unique_ptr<JobQueue>(new RedisJobQueue(db, *parsed, options));
}

}  // namespace minutes
