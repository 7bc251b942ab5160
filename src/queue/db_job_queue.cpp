#include "queue/db_job_queue.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "auth/password.hpp"
#include "core/clock.hpp"

namespace minutes {
namespace {

constexpr const char* kColumns =
    "id, task_id, kind, payload, attempts, state, run_after, lease_until, tenant_id, lane";

Job JobOf(const DbRow& r) {
  Job job;
  job.id = AsString(r[0]);
  job.task_id = AsString(r[1]);
  job.kind = AsString(r[2]);
  job.payload = AsString(r[3]);
  job.attempts = static_cast<int>(AsInt(r[4])) + 1;
  job.tenant_id = AsString(r[8]);
  job.lane = AsString(r[9]) == "light" ? Lane::kLight : Lane::kHeavy;
  return job;
}

// The jobs of a lane that may be leased now: ready, and (with `expired_leases`) leased to a
// worker that stopped heartbeating. Its parameters come from ClaimableParams.
std::string Claimable(bool expired_leases) {
  return expired_leases ? "lane = ? AND ((state = 'ready' AND run_after <= ?) OR (state = "
                          "'leased' AND lease_until < ?))"
                        : "lane = ? AND state = 'ready' AND run_after <= ?";
}

std::vector<DbValue> ClaimableParams(Lane lane, const std::string& now, bool expired_leases) {
  std::vector<DbValue> p{std::string(LaneName(lane)), now};
  if (expired_leases) p.emplace_back(now);
  return p;
}

// Whose turn it is in `lane`: of the tenants with a claimable job and fewer than `cap` jobs of
// the lane running (0 = no cap), the one with the fewest running, then the one whose last
// claim is the oldest (job_turns; never served comes first), then the one with the oldest
// job. Nothing when every such tenant is at its cap. Read inside the claim's transaction, so
// the counts are what every other worker sees too (SQLite's write lock; PostgreSQL's
// SERIALIZABLE retries a claim that raced another).
Result<std::optional<std::string>> FairTenant(Database& tx, Lane lane, int cap, bool expired_leases,
                                              const std::string& now) {
  std::vector<DbValue> p = ClaimableParams(lane, now, expired_leases);
  std::string name(LaneName(lane));
  p.insert(p.end(), {name, now, name});
  std::string sql =
      "SELECT c.tenant_id FROM (SELECT tenant_id, MIN(created_at) AS oldest FROM jobs WHERE " +
      Claimable(expired_leases) +
      " GROUP BY tenant_id) c LEFT JOIN (SELECT tenant_id, COUNT(*) AS running FROM jobs WHERE "
      "lane = ? AND state = 'leased' AND lease_until >= ? GROUP BY tenant_id) r ON r.tenant_id "
      "= c.tenant_id LEFT JOIN job_turns t ON t.lane = ? AND t.tenant_id = c.tenant_id";
  if (cap > 0) {
    sql += " WHERE COALESCE(r.running, 0) < ?";
    p.emplace_back(int64_t{cap});
  }
  sql += " ORDER BY COALESCE(r.running, 0), COALESCE(t.turn, 0), c.oldest, c.tenant_id LIMIT 1";
  auto rows = tx.Query(sql, p);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(AsString((*rows)[0][0]));
}

Result<int64_t> RunningOf(Database& tx, Lane lane, const std::string& tenant,
                          const std::string& now) {
  auto rows = tx.Query(
      "SELECT COUNT(*) FROM jobs WHERE lane = ? AND tenant_id = ? AND state = 'leased' AND "
      "lease_until >= ?",
      {std::string(LaneName(lane)), tenant, now});
  if (!rows.ok()) return rows.status();
  return AsInt((*rows)[0][0]);
}

}  // namespace

Lane LaneOf(const std::string& kind) {
  return kind == "transcribe" || kind == "minutes" ? Lane::kHeavy : Lane::kLight;
}

std::string_view LaneName(Lane lane) { return lane == Lane::kLight ? "light" : "heavy"; }

Status JobQueue::Enqueue(Database& tx, const std::string& task_id, const std::string& kind,
                         const std::string& payload) {
  auto id = RandomHex(12);
  if (!id.ok()) return id.status();
  // created_at to the millisecond: jobs queued in the same second keep their order.
  return tx.Exec(
      "INSERT INTO jobs (id, task_id, kind, payload, state, attempts, run_after, created_at, "
      "published, tenant_id, lane) VALUES (?, ?, ?, ?, 'ready', 0, ?, ?, 0, COALESCE((SELECT "
      "tenant_id FROM tasks WHERE id = ?), ''), ?)",
      {*id, task_id, kind, payload, IsoFromNow(0), NowIso(), task_id,
       std::string(LaneName(LaneOf(kind)))});
}

Result<bool> HoldsLease(Database& tx, const Job& job, const std::string& owner) {
  auto rows = tx.Query(
      "SELECT 1 FROM jobs WHERE id = ? AND lease_owner = ? AND state = 'leased' AND "
      "lease_until >= ?",
      {job.id, owner, IsoFromNow(0)});
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}

// Every lease is its tenant's turn in the lane: the tenant goes to the back of the line of
// tenants with as many jobs running.
Status DbJobQueue::Lease(Database& tx, Job& job, const std::string& owner, int lease_s) {
  if (Status s = tx.Exec(
          "UPDATE jobs SET state = 'leased', lease_owner = ?, lease_until = ?, attempts = ? "
          "WHERE id = ?",
          {owner, IsoFromNow(lease_s), int64_t{job.attempts}, job.id});
      !s.ok())
    return s;
  std::string lane(LaneName(job.lane));
  return tx.Exec(
      "INSERT INTO job_turns (lane, tenant_id, turn) VALUES (?, ?, (SELECT COALESCE(MAX(turn), "
      "0) + 1 FROM job_turns WHERE lane = ?)) ON CONFLICT (lane, tenant_id) DO UPDATE SET turn = "
      "excluded.turn",
      {lane, job.tenant_id, lane});
}

Result<std::optional<Job>> DbJobQueue::Claim(const std::string& owner, int lease_s, Lane lane) {
  auto job = ClaimNext(owner, lease_s, lane, true);
  if (job.ok() && !job->has_value()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return job;
}

Result<std::optional<Job>> DbJobQueue::ClaimNext(const std::string& owner, int lease_s, Lane lane,
                                                 bool expired_leases) {
  std::optional<Job> job;
  Status s = db_.Transaction([&](Database& tx) -> Status {
    job.reset();  // the transaction may be retried (PostgreSQL serialization failures)
    std::string now = IsoFromNow(0);
    auto tenant = FairTenant(tx, lane, CapOf(lane), expired_leases, now);
    if (!tenant.ok()) return tenant.status();
    if (!*tenant) return Status::Ok();
    std::vector<DbValue> p = ClaimableParams(lane, now, expired_leases);
    p.emplace_back(**tenant);
    auto rows =
        tx.Query(std::string("SELECT ") + kColumns + " FROM jobs WHERE " +
                     Claimable(expired_leases) + " AND tenant_id = ? ORDER BY created_at LIMIT 1",
                 p);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Ok();
    job = JobOf((*rows)[0]);
    return Lease(tx, *job, owner, lease_s);
  });
  if (!s.ok()) return s;
  return job;
}

Result<ClaimOutcome> DbJobQueue::ClaimById(const std::string& id, const std::string& owner,
                                           int lease_s, Lane lane, Job* job) {
  ClaimOutcome outcome = ClaimOutcome::kFinished;
  Status s = db_.Transaction([&](Database& tx) -> Status {
    outcome = ClaimOutcome::kFinished;
    auto rows = tx.Query(std::string("SELECT ") + kColumns + " FROM jobs WHERE id = ?", {id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Ok();
    const DbRow& r = (*rows)[0];
    std::string state = AsString(r[5]), now = IsoFromNow(0);
    bool ready = state == "ready" && AsString(r[6]) <= now;
    bool expired = state == "leased" && AsString(r[7]) < now;
    if (!ready && !expired) {
      outcome = state == "done" || state == "dead" ? ClaimOutcome::kFinished : ClaimOutcome::kBusy;
      return Status::Ok();
    }
    Job found = JobOf(r);
    outcome = ClaimOutcome::kDeferred;
    if (found.lane != lane) return Status::Ok();  // published by an older version to one stream
    int cap = CapOf(lane);
    if (cap > 0) {
      auto running = RunningOf(tx, lane, found.tenant_id, now);
      if (!running.ok()) return running.status();
      if (*running >= cap) return Status::Ok();
    }
    if (ready) {  // a first delivery waits for its tenant's turn; a takeover already had one
      auto turn = FairTenant(tx, lane, cap, true, now);
      if (!turn.ok()) return turn.status();
      if (!*turn || **turn != found.tenant_id) return Status::Ok();
    }
    *job = found;
    outcome = ClaimOutcome::kClaimed;
    return Lease(tx, *job, owner, lease_s);
  });
  if (!s.ok()) return s;
  return outcome;
}

Status DbJobQueue::Heartbeat(const Job& job, const std::string& owner, int lease_s) {
  return db_.Exec("UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ?",
                  {IsoFromNow(lease_s), job.id, owner});
}

Status CompleteJob(Database& tx, const Job& job) {
  return tx.Exec("UPDATE jobs SET state = 'done', lease_until = NULL WHERE id = ?", {job.id});
}

Status DbJobQueue::Complete(const Job& job) { return CompleteJob(db_, job); }

// A released or retried job is ready again and not yet on the broker (published = 0).
Status DbJobQueue::Release(const Job& job, const std::string& owner) {
  return db_.Exec(
      "UPDATE jobs SET state = 'ready', lease_owner = NULL, lease_until = NULL, run_after = ?, "
      "published = 0, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END WHERE id = ? "
      "AND lease_owner = ? AND state = 'leased'",
      {IsoFromNow(0), job.id, owner});
}

Result<bool> DbJobQueue::Fail(const Job& job, const std::string& error, int max_attempts,
                              bool permanent) {
  bool dead = permanent || job.attempts >= max_attempts;
  int backoff = 2 << std::min(job.attempts, 8);  // 4 s, 8 s, 16 s…
  Status s = db_.Exec(
      "UPDATE jobs SET state = ?, run_after = ?, last_error = ?, lease_until = NULL, published = 0 "
      "WHERE id = ?",
      {std::string(dead ? "dead" : "ready"), IsoFromNow(backoff), error, job.id});
  if (!s.ok()) return s;
  return dead;
}

Result<nlohmann::json> DbJobQueue::Probe() {
  auto rows =
      db_.Query("SELECT lane, count(*) FROM jobs WHERE state IN ('ready', 'leased') GROUP BY lane");
  if (!rows.ok()) return rows.status();
  int64_t depth = 0;
  nlohmann::json lanes = {{"heavy", 0}, {"light", 0}};
  for (const auto& r : *rows) {
    depth += AsInt(r[1]);
    lanes[AsString(r[0])] = AsInt(r[1]);
  }
  return nlohmann::json{{"depth", depth}, {"lanes", lanes}};
}

}  // namespace minutes
