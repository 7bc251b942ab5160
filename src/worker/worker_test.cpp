// A transcription job end to end on a real recording (the synthesized standup, cut short),
// SQLite and file storage in a temp directory: what a worker killed at the worst moment leaves.
#include "worker/worker.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "queue/db_job_queue.hpp"
#include "short_wav.hpp"
#include "testdata.hpp"
#include "worker/scratch_backends_test.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;

class TranscribeJob : public ScratchBackends {
 protected:
  TranscribeJob() : ScratchBackends("u1") {}
  void SetUp() override {
    ScratchBackends::SetUp();
    std::istringstream wav(ShortWav(testing::TestData("standup") / "meeting.wav", 6));
    ASSERT_TRUE(store_->Put("tenants/acme/recordings/o1", wav, int64_t{1} << 30).ok());
    for (const char* sql :
         {"INSERT INTO objects (id, tenant_id, storage_key, filename, content_type, size, sha256, "
          "created_at) VALUES ('o1', 'acme', 'tenants/acme/recordings/o1', 'a.wav', 'audio/wav', "
          "1, '', 'x')",
          "INSERT INTO tasks (id, tenant_id, user_id, object_id, state, created_at, updated_at) "
          "VALUES ('t1', 'acme', 'u1', 'o1', 'queued', 'x', 'x')",
          "INSERT INTO webhooks (id, tenant_id, url, secret, events, created_at) VALUES ('w1', "
          "'acme', 'http://hooks.example/', 's', 'task.succeeded', 'x')"})
      ASSERT_TRUE(db_->Exec(sql).ok()) << sql;
    ASSERT_TRUE(JobQueue::Enqueue(*db_, "t1", "transcribe").ok());
    options_.asr_threads = 1;
    options_.temp_dir = (dir_ / "tmp").string();
  }
  std::string One(const std::string& sql) {
    auto rows = db_->Query(sql);
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    return rows.ok() && !rows->empty() ? AsString((*rows)[0][0]) : "";
  }
  WorkerOptions options_;
};

// The worker is killed (-9) right after the job's results were written, before it reported
// the job complete. The lease runs out and another worker polls: the job must not run again —
// a second run would flip the task back to processing, charge the speech-to-text again and
// send task.succeeded twice. So the results, the cost log, the event and the job's completion
// commit in one transaction.
TEST_F(TranscribeJob, KilledAfterItsResultsTheJobDoesNotRunAgain) {
  DbJobQueue queue(*db_);
  auto job = queue.ClaimNext("host:1:0", 60, Lane::kHeavy, true);
  ASSERT_TRUE(job.ok() && job->has_value());
  ASSERT_TRUE(ProcessTranscribeTask(*db_, *store_, **job, "host:1:0", options_).ok());
  // -9 here: Complete() is never called; the lease runs out.
  ASSERT_TRUE(
      db_->Exec("UPDATE jobs SET lease_until = '2000-01-01T00:00:00Z' WHERE id = ?", {(*job)->id})
          .ok());
  auto again = queue.ClaimNext("host:2:0", 60, Lane::kHeavy, true);
  ASSERT_TRUE(again.ok());
  if (again->has_value()) {  // what the next worker does with it
    ASSERT_TRUE(ProcessTranscribeTask(*db_, *store_, **again, "host:2:0", options_).ok());
  }
  EXPECT_FALSE(again->has_value()) << "the finished job was leased again";
  EXPECT_EQ(One("SELECT state FROM jobs WHERE kind = 'transcribe'"), "done");
  EXPECT_EQ(One("SELECT state || ' ' || attempts FROM tasks WHERE id = 't1'"), "succeeded 1");
  EXPECT_EQ(One("SELECT count(*) FROM audit_logs WHERE action = 'provider.call' AND target = "
                "'t1' AND provider <> 'extractive'"),
            "1");
  EXPECT_EQ(One("SELECT count(*) FROM jobs WHERE kind = 'webhook'"), "1");
  EXPECT_EQ(One("SELECT count(*) FROM artifacts WHERE task_id = 't1'"), "1");
}

// A delivery of a transcription job whose task already succeeded (a finished job redelivered)
// leaves the task as it is: never back to processing, nothing charged again.
TEST_F(TranscribeJob, ARedeliveredJobOfASucceededTaskChangesNothing) {
  DbJobQueue queue(*db_);
  auto job = queue.ClaimNext("host:1:0", 60, Lane::kHeavy, true);
  ASSERT_TRUE(job.ok() && job->has_value());
  ASSERT_TRUE(ProcessTranscribeTask(*db_, *store_, **job, "host:1:0", options_).ok());
  std::string before = One("SELECT updated_at FROM tasks WHERE id = 't1'");
  ASSERT_TRUE(ProcessTranscribeTask(*db_, *store_, **job, "host:1:0", options_).ok());
  EXPECT_EQ(One("SELECT state || ' ' || attempts FROM tasks WHERE id = 't1'"), "succeeded 1");
  EXPECT_EQ(One("SELECT updated_at FROM tasks WHERE id = 't1'"), before);
  EXPECT_EQ(One("SELECT count(*) FROM audit_logs WHERE action = 'provider.call' AND target = "
                "'t1'"),
            "2");
}

// The recording fetched for the job never has a name in the temp directory, so nothing is left
// there whatever ends the job: here its fetch fails half-way (the object is gone), and a kill
// -9 (tests/e2e/chaos_e2e_test.cpp) leaves nothing either.
TEST_F(TranscribeJob, NothingIsLeftInTheTempDirectory) {
  DbJobQueue queue(*db_);
  auto job = queue.ClaimNext("host:1:0", 60, Lane::kHeavy, true);
  ASSERT_TRUE(job.ok() && job->has_value());
  ASSERT_TRUE(store_->Delete("tenants/acme/recordings/o1").ok());
  EXPECT_FALSE(ProcessTranscribeTask(*db_, *store_, **job, "host:1:0", options_).ok());
  EXPECT_TRUE(fs::is_empty(dir_ / "tmp"));
}

// The queue's backend as it is while it restarts: every call reaches the real queue but Fail,
// which cannot be recorded.
class QueueThatCannotRecordFailures : public JobQueue {
 public:
  explicit QueueThatCannotRecordFailures(JobQueue& real) : real_(real) {}
  Result<std::optional<Job>> Claim(const std::string& owner, int lease_s, Lane lane) override {
    return real_.Claim(owner, lease_s, lane);
  }
  Status Heartbeat(const Job& job, const std::string& owner, int lease_s) override {
    return real_.Heartbeat(job, owner, lease_s);
  }
  Status Complete(const Job& job) override { return real_.Complete(job); }
  Status Release(const Job& job, const std::string& owner) override {
    return real_.Release(job, owner);
  }
  Result<bool> Fail(const Job&, const std::string&, int, bool) override {
    return Status::Unavailable("connection to the queue lost");
  }
  Result<nlohmann::json> Probe() override { return real_.Probe(); }

 private:
  JobQueue& real_;
};

// A job fails while the queue's backend is away (found by the chaos test: a webhook job too
// many). Whether that was its last attempt is unknown, so the task must not be called failed,
// nor task.failed be sent: the lease runs out and the retry may well succeed.
TEST_F(TranscribeJob, AFailureTheQueueCannotRecordLeavesTheTaskToTheRetry) {
  ASSERT_TRUE(db_->Exec("UPDATE webhooks SET events = 'task.succeeded,task.failed'").ok());
  DbJobQueue real(*db_);
  QueueThatCannotRecordFailures queue(real);
  auto job = queue.Claim("host:1:0", 60, Lane::kHeavy);
  ASSERT_TRUE(job.ok() && job->has_value());
  SettleJob(*db_, queue, **job, Status::Unavailable("the database went away"), 3);
  EXPECT_EQ(One("SELECT state FROM tasks WHERE id = 't1'"), "queued");
  EXPECT_EQ(One("SELECT count(*) FROM jobs WHERE kind = 'webhook'"), "0");
  // The retry, once the lease has run out, succeeds: one event, the one that is true.
  ASSERT_TRUE(
      db_->Exec("UPDATE jobs SET lease_until = '2000-01-01T00:00:00Z' WHERE id = ?", {(*job)->id})
          .ok());
  auto again = real.Claim("host:2:0", 60, Lane::kHeavy);
  ASSERT_TRUE(again.ok() && again->has_value()) << "the job was not claimable again";
  Status ran = ProcessTranscribeTask(*db_, *store_, **again, "host:2:0", options_);
  ASSERT_TRUE(ran.ok()) << ran.message();
  SettleJob(*db_, real, **again, ran, 3);
  EXPECT_EQ(One("SELECT state FROM tasks WHERE id = 't1'"), "succeeded");
  EXPECT_EQ(One("SELECT group_concat(json_extract(payload, '$.event')) FROM jobs WHERE kind = "
                "'webhook'"),
            "task.succeeded");
}

// A failure the queue records as the last one fails the task and sends task.failed, once.
TEST_F(TranscribeJob, TheLastFailureFailsTheTaskAndTellsTheWebhooks) {
  ASSERT_TRUE(db_->Exec("UPDATE webhooks SET events = 'task.succeeded,task.failed'").ok());
  DbJobQueue queue(*db_);
  auto job = queue.Claim("host:1:0", 60, Lane::kHeavy);
  ASSERT_TRUE(job.ok() && job->has_value());
  SettleJob(*db_, queue, **job, Status::BadInput("not a recording"), 3);
  EXPECT_EQ(One("SELECT state FROM tasks WHERE id = 't1'"), "failed");
  EXPECT_EQ(One("SELECT state FROM jobs WHERE kind = 'transcribe'"), "dead");
  EXPECT_EQ(One("SELECT group_concat(json_extract(payload, '$.event')) FROM jobs WHERE kind = "
                "'webhook'"),
            "task.failed");
}

}  // namespace
}  // namespace minutes
