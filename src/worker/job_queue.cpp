#include "worker/job_queue.hpp"

#include <ctime>

#include "auth/password.hpp"

namespace minutes {

Status DbJobQueue::Enqueue(Database& tx, const std::string& task_id, const std::string& kind,
                           const std::string& payload) {
  auto id = RandomHex(12);
  if (!id.ok()) return id.status();
  return tx.Exec(
      "INSERT INTO jobs (id, task_id, kind, payload, state, attempts, run_after, created_at) "
      "VALUES (?, ?, ?, ?, 'ready', 0, ?, ?)",
      {*id, task_id, kind, payload, IsoFromNow(0), IsoFromNow(0)});
}

Result<std::optional<Job>> DbJobQueue::Claim(const std::string& owner, int lease_s) {
  std::optional<Job> job;
  Status s = db_.Transaction([&](Database& tx) -> Status {
    std::string now = IsoFromNow(0);
    auto rows = tx.Query(
        "SELECT id, task_id, kind, payload, attempts FROM jobs WHERE (state = 'ready' AND "
        "run_after <= ?) OR (state = 'leased' AND lease_until < ?) ORDER BY created_at LIMIT 1",
        {now, now});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Ok();
    const DbRow& r = (*rows)[0];
    job = Job{AsString(r[0]), AsString(r[1]), AsString(r[2]), AsString(r[3]),
              static_cast<int>(AsInt(r[4])) + 1};
    return tx.Exec(
        "UPDATE jobs SET state = 'leased', lease_owner = ?, lease_until = ?, attempts = ? "
        "WHERE id = ?",
        {owner, IsoFromNow(lease_s), int64_t{job->attempts}, job->id});
  });
  if (!s.ok()) return s;
  return job;
}

Status DbJobQueue::Heartbeat(const Job& job, const std::string& owner, int lease_s) {
  return db_.Exec("UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ?",
                  {IsoFromNow(lease_s), job.id, owner});
}

Status DbJobQueue::Complete(const Job& job) {
  return db_.Exec("UPDATE jobs SET state = 'done', lease_until = NULL WHERE id = ?", {job.id});
}

Status DbJobQueue::Release(const Job& job, const std::string& owner) {
  return db_.Exec(
      "UPDATE jobs SET state = 'ready', lease_owner = NULL, lease_until = NULL, run_after = ?, "
      "attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END WHERE id = ? AND lease_owner "
      "= ? AND state = 'leased'",
      {IsoFromNow(0), job.id, owner});
}

Result<bool> DbJobQueue::Holds(Database& tx, const Job& job, const std::string& owner) {
  auto rows = tx.Query(
      "SELECT 1 FROM jobs WHERE id = ? AND lease_owner = ? AND state = 'leased' AND "
      "lease_until >= ?",
      {job.id, owner, IsoFromNow(0)});
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}

Result<bool> DbJobQueue::Fail(const Job& job, const std::string& error) {
  bool dead = job.attempts >= max_attempts_;
  int backoff = 2 << std::min(job.attempts, 8);  // 4 s, 8 s, 16 s…
  Status s = db_.Exec(
      "UPDATE jobs SET state = ?, run_after = ?, last_error = ?, lease_until = NULL WHERE id = ?",
      {std::string(dead ? "dead" : "ready"), IsoFromNow(backoff), error, job.id});
  if (!s.ok()) return s;
  return dead;
}

}  // namespace minutes
