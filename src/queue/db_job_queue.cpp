#include "queue/db_job_queue.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "auth/password.hpp"
#include "core/clock.hpp"

namespace minutes {
namespace {
constexpr const char* kColumns =
    "id, task_id, kind, payload, attempts, state, run_after, lease_until";
}  // namespace

Status JobQueue::Enqueue(Database& tx, const std::string& task_id, const std::string& kind,
                         const std::string& payload) {
  auto id = RandomHex(12);
  if (!id.ok()) return id.status();
  return tx.Exec(
      "INSERT INTO jobs (id, task_id, kind, payload, state, attempts, run_after, created_at, "
      "published) VALUES (?, ?, ?, ?, 'ready', 0, ?, ?, 0)",
      {*id, task_id, kind, payload, IsoFromNow(0), IsoFromNow(0)});
}

Result<bool> HoldsLease(Database& tx, const Job& job, const std::string& owner) {
  auto rows = tx.Query(
      "SELECT 1 FROM jobs WHERE id = ? AND lease_owner = ? AND state = 'leased' AND "
      "lease_until >= ?",
      {job.id, owner, IsoFromNow(0)});
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}

Status DbJobQueue::Lease(Database& tx, Job& job, const std::string& owner, int lease_s) {
  return tx.Exec(
      "UPDATE jobs SET state = 'leased', lease_owner = ?, lease_until = ?, attempts = ? "
      "WHERE id = ?",
      {owner, IsoFromNow(lease_s), int64_t{job.attempts}, job.id});
}

Result<std::optional<Job>> DbJobQueue::Claim(const std::string& owner, int lease_s) {
  std::optional<Job> job;
  Status s = db_.Transaction([&](Database& tx) -> Status {
    std::string now = IsoFromNow(0);
    auto rows = tx.Query(std::string("SELECT ") + kColumns +
                             " FROM jobs WHERE (state = 'ready' AND run_after <= ?) OR (state = "
                             "'leased' AND lease_until < ?) ORDER BY created_at LIMIT 1",
                         {now, now});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Ok();
    const DbRow& r = (*rows)[0];
    job = Job{AsString(r[0]),
              AsString(r[1]),
              AsString(r[2]),
              AsString(r[3]),
              static_cast<int>(AsInt(r[4])) + 1,
              ""};
    return Lease(tx, *job, owner, lease_s);
  });
  if (!s.ok()) return s;
  if (!job) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return job;
}

Result<ClaimOutcome> DbJobQueue::ClaimById(const std::string& id, const std::string& owner,
                                           int lease_s, Job* job) {
  ClaimOutcome outcome = ClaimOutcome::kFinished;
  Status s = db_.Transaction([&](Database& tx) -> Status {
    auto rows = tx.Query(std::string("SELECT ") + kColumns + " FROM jobs WHERE id = ?", {id});
    if (!rows.ok()) return rows.status();
    outcome = ClaimOutcome::kFinished;
    if (rows->empty()) return Status::Ok();
    const DbRow& r = (*rows)[0];
    std::string state = AsString(r[5]), now = IsoFromNow(0);
    bool ready = state == "ready" && AsString(r[6]) <= now;
    bool expired = state == "leased" && AsString(r[7]) < now;
    if (!ready && !expired) {
      outcome = state == "done" || state == "dead" ? ClaimOutcome::kFinished : ClaimOutcome::kBusy;
      return Status::Ok();
    }
    *job = Job{AsString(r[0]),
               AsString(r[1]),
               AsString(r[2]),
               AsString(r[3]),
               static_cast<int>(AsInt(r[4])) + 1,
               ""};
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

Status DbJobQueue::Complete(const Job& job) {
  return db_.Exec("UPDATE jobs SET state = 'done', lease_until = NULL WHERE id = ?", {job.id});
}

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
  auto rows = db_.Query("SELECT count(*) FROM jobs WHERE state IN ('ready', 'leased')");
  if (!rows.ok()) return rows.status();
  return nlohmann::json{{"depth", AsInt((*rows)[0][0])}};
}

}  // namespace minutes
