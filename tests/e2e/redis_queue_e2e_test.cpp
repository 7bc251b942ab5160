// The service with its jobs on a Redis stream (a real redis-server started by the test): an
// API-only `minutes serve` and two `minutes worker` processes. Redis is stopped while tasks are
// being created and started again empty: every task still runs, exactly once.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "child_process.hpp"
#include "redis_server.hpp"
#include "run_command.hpp"
#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

std::string Sql(const std::filesystem::path& db, const std::string& query) {
  return RunCommand("sqlite3 " + ShellQuote(db.string()) + " " + ShellQuote(query)).output;
}

TEST(RedisQueue, RedisStoppedWhileCreatingTasksEveryTaskRunsExactlyOnce) {
  RedisServer redis("queuepw");
  TestService svc("redis-queue", {{"alice", "acme", false}},
                  {"--queue", redis.Url(), "--workers", "0", "--max-upload-mb", "50"});
  ASSERT_GT(svc.port(), 0);
  auto ready = Call(svc.port(), "GET", "/health/ready");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json()["components"]["queue"]["backend"], "redis");
  EXPECT_EQ(ready.body.find("queuepw"), std::string::npos) << "the password is not shown";
  std::string token = svc.Token("alice");
  std::map<std::string, std::string> env{{"MINUTES_DATA_DIR", svc.dir().string()},
                                         {"MINUTES_QUEUE", redis.Url()},
                                         {"MINUTES_WORKER_LEASE_S", "5"},
                                         {"MINUTES_ASR_THREADS", "1"}};
  std::vector<std::unique_ptr<ChildProcess>> workers;
  std::vector<std::filesystem::path> logs;
  for (int i = 0; i < 2; ++i) {
    logs.push_back(svc.dir() / ("worker" + std::to_string(i) + ".log"));
    workers.push_back(std::make_unique<ChildProcess>(
        MinutesBinary(), std::vector<std::string>{"worker"}, env, logs.back().string()));
  }
  std::string wav = Slurp(TestData("standup") / "meeting.wav");
  std::vector<std::string> ids;
  auto create = [&] {
    auto up = Call(svc.port(), "POST", "/api/v1/tasks", wav, token, "audio/wav");
    EXPECT_EQ(up.status, 201) << up.body;
    if (up.status == 201) ids.push_back(up.json()["id"]);
  };
  for (int i = 0; i < 2; ++i) create();
  redis.Stop();
  for (int i = 0; i < 3; ++i) create();  // accepted: the jobs wait in the database outbox
  auto degraded = Call(svc.port(), "GET", "/health/ready");
  EXPECT_EQ(degraded.status, 200) << degraded.body;
  EXPECT_EQ(degraded.json()["status"], "degraded") << degraded.body;
  EXPECT_EQ(degraded.json()["components"]["queue"]["status"], "degraded") << degraded.body;
  std::this_thread::sleep_for(std::chrono::seconds(2));
  redis.Start();  // empty: the stream and its group are gone
  for (int i = 0; i < 2; ++i) create();
  ASSERT_EQ(ids.size(), 7u);
  auto db = svc.dir() / "minutes.db";
  for (const auto& id : ids) {
    auto t = svc.WaitDone(id, token, 300);
    EXPECT_EQ(t["state"], "succeeded") << t.dump();
    // Ran exactly once: one processing start, one transcript, one minutes version.
    EXPECT_EQ(Sql(db, "SELECT attempts FROM tasks WHERE id = '" + id + "'"), "1\n") << id;
    EXPECT_EQ(Sql(db, "SELECT count(*) FROM artifacts WHERE task_id = '" + id + "'"), "1\n");
    EXPECT_EQ(Sql(db, "SELECT count(*) FROM transcripts WHERE task_id = '" + id + "'"), "1\n");
  }
  EXPECT_EQ(Sql(db, "SELECT count(*) FROM jobs WHERE published = 0 AND state = 'ready'"), "0\n");
  auto after = Call(svc.port(), "GET", "/health/ready");
  EXPECT_EQ(after.json()["status"], "ok") << after.body;
  workers.clear();
  std::string all_logs;
  for (const auto& l : logs) all_logs += Slurp(l);
  EXPECT_NE(all_logs.find("\"via\":\"stream\""), std::string::npos) << all_logs;
  EXPECT_EQ(all_logs.find("queuepw"), std::string::npos) << "the password is never logged";
}

// Two workers on the stream; the one running the task is killed with -9. Its delivery stays
// pending until it has been idle for a lease, then the other worker takes it with XAUTOCLAIM and
// finishes the task: one set of results.
TEST(RedisQueue, WorkerKilledMidTaskTheOtherTakesItsDeliveryOver) {
  RedisServer redis;
  TestService svc("redis-kill", {{"alice", "acme", false}},
                  {"--queue", redis.Url(), "--workers", "0", "--max-upload-mb", "50"});
  ASSERT_GT(svc.port(), 0);
  std::string token = svc.Token("alice");
  std::map<std::string, std::string> env{{"MINUTES_DATA_DIR", svc.dir().string()},
                                         {"MINUTES_QUEUE", redis.Url()},
                                         {"MINUTES_WORKER_LEASE_S", "3"},
                                         {"MINUTES_ASR_THREADS", "1"}};
  std::vector<std::unique_ptr<ChildProcess>> workers;
  auto log = svc.dir() / "workers.log";
  for (int i = 0; i < 2; ++i)
    workers.push_back(std::make_unique<ChildProcess>(
        MinutesBinary(), std::vector<std::string>{"worker"}, env, log.string(), true));
  auto up = Call(svc.port(), "POST", "/api/v1/tasks", Slurp(TestData("planning") / "meeting.wav"),
                 token, "audio/wav");
  ASSERT_EQ(up.status, 201) << up.body;
  std::string id = up.json()["id"];
  auto db = svc.dir() / "minutes.db";
  std::string owner;
  for (int i = 0; i < 300 && owner.empty(); ++i) {
    owner =
        Sql(db, "SELECT lease_owner FROM jobs WHERE task_id = '" + id + "' AND state = 'leased'");
    if (!owner.empty()) owner.pop_back();
    if (owner.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(owner.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // mid-task
  int pid = std::stoi(owner.substr(owner.find(':') + 1));
  for (auto& w : workers)
    if (w->pid() == pid) w->Kill(SIGKILL);
  auto t = svc.WaitDone(id, token, 240);
  EXPECT_EQ(t["state"], "succeeded") << t.dump();
  EXPECT_EQ(Sql(db, "SELECT count(*) FROM artifacts WHERE task_id = '" + id + "'"), "1\n");
  EXPECT_EQ(Sql(db, "SELECT count(*) FROM transcripts WHERE task_id = '" + id + "'"), "1\n");
  EXPECT_EQ(Sql(db, "SELECT attempts FROM jobs WHERE task_id = '" + id +
                        "' AND kind = "
                        "'transcribe'"),
            "2\n");
  std::string second = Sql(db, "SELECT lease_owner FROM jobs WHERE task_id = '" + id + "'");
  EXPECT_NE(second, owner + "\n");
  workers.clear();
  std::string logs = Slurp(log);
  // The survivor got it through the stream (XAUTOCLAIM), not by polling the table.
  std::istringstream lines(logs);
  std::string line, started;
  while (std::getline(lines, line))
    if (line.find("job_started") != std::string::npos &&
        line.find("\"attempt\":2") != std::string::npos)
      started = line;
  ASSERT_FALSE(started.empty()) << logs;
  EXPECT_NE(started.find("\"via\":\"stream\""), std::string::npos) << started;
}

TEST(RedisQueue, AWrongRedisUrlIsAClearConfigError) {
  auto r = RunCommand(MinutesBinary() + " serve --queue redis://host/notadb --port 0 --data-dir " +
                      ShellQuote((std::filesystem::temp_directory_path() /
                                  ("minutes-badq-" + std::to_string(getpid())))
                                     .string()));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("queue"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("database number"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace minutes
