// One suite for every JobQueue (polling the table; a Redis stream on a real redis-server), plus
// what only the Redis queue does: the outbox while Redis is down, data loss, duplicates, the
// dead-letter stream; and fair workers (lanes, fair share between tenants, the per-tenant cap)
// on SQLite, PostgreSQL and Redis over both.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/clock.hpp"
#include "db/migrator.hpp"
#include "pg_server.hpp"
#include "queue/db_job_queue.hpp"
#include "queue/redis_job_queue.hpp"
#include "redis_server.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class QueueTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { redis_ = new testing::RedisServer; }
  static void TearDownTestSuite() { delete redis_; }
  void SetUp() override {
    redis_->Start();
    auto c = RedisConnection::Connect(*ParseRedisUrl(redis_->Url()), 2s);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->Run({"FLUSHALL"}).ok());
    dir_ = fs::temp_directory_path() / ("minutes-queue-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    UseDatabase("sqlite://" + (dir_ / "q.db").string());
  }
  // Opens (and migrates, and seeds) the database the queue runs on: tenants t, a and b, user u.
  void UseDatabase(const std::string& url) {
    db_url_ = url;
    auto db = OpenDatabase(url);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
    ASSERT_TRUE(Migrate(*db_).ok());
    std::string now = NowIso();
    for (const char* tenant : {"t", "a", "b"})
      ASSERT_TRUE(db_->Exec("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)",
                            {std::string(tenant), std::string(tenant), now})
                      .ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO users (id, tenant_id, username, password_hash, role, "
                          "created_at) VALUES ('u', 't', 'u', 'x', 'admin', ?)",
                          {now})
                    .ok());
  }
  void TearDown() override {
    queue_.reset();
    db_.reset();
    fs::remove_all(dir_);
  }
  void Open(const std::string& backend, JobQueueOptions options = {}) {
    auto q = OpenJobQueue(backend == "redis" ? redis_->Url() : "database", *db_, options);
    ASSERT_TRUE(q.ok()) << q.status().message();
    queue_ = std::move(*q);
  }
  RedisJobQueue& redis_queue() { return dynamic_cast<RedisJobQueue&>(*queue_); }
  // A task of `tenant` with one job, committed together; returns the job id.
  std::string AddJob(const std::string& task, const std::string& kind = "transcribe",
                     const std::string& tenant = "t") {
    std::string now = NowIso();
    Status s = db_->Transaction([&](Database& tx) -> Status {
      if (Status e = tx.Exec("INSERT INTO tasks (id, tenant_id, user_id, state, created_at, "
                             "updated_at) VALUES (?, ?, 'u', 'queued', ?, ?)",
                             {task, tenant, now, now});
          !e.ok())
        return e;
      return JobQueue::Enqueue(tx, task, kind);
    });
    EXPECT_TRUE(s.ok()) << s.message();
    queue_->Notify();
    auto id = db_->Query("SELECT id FROM jobs WHERE task_id = ?", {task});
    return AsString((*id)[0][0]);
  }
  // Claims until a job comes or `within` passes.
  std::optional<Job> ClaimWithin(JobQueue& q, const std::string& owner, int lease_s,
                                 std::chrono::milliseconds within = 5s, Lane lane = Lane::kHeavy) {
    auto until = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < until) {
      auto job = q.Claim(owner, lease_s, lane);
      if (job.ok() && job->has_value()) return **job;
    }
    return std::nullopt;
  }
  std::string State(const std::string& job_id) {
    auto rows = db_->Query("SELECT state FROM jobs WHERE id = ?", {job_id});
    return rows->empty() ? "" : AsString((*rows)[0][0]);
  }
  RedisValue Redis(const RedisCommand& cmd) {
    auto c = RedisConnection::Connect(*ParseRedisUrl(redis_->Url()), 2s);
    EXPECT_TRUE(c.ok());
    auto r = (*c)->Run(cmd);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : RedisValue{};
  }

  static testing::RedisServer* redis_;
  fs::path dir_;
  std::string db_url_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<JobQueue> queue_;
};
testing::RedisServer* QueueTest::redis_ = nullptr;

class QueueContract : public QueueTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    QueueTest::SetUp();
    Open(GetParam());
  }
};

TEST_P(QueueContract, EveryJobRunsOnceAcrossConcurrentWorkers) {
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.insert(AddJob("task" + std::to_string(i)));
  std::mutex mu;
  std::multiset<std::string> claimed;
  std::vector<std::thread> workers;
  for (int w = 0; w < 3; ++w)
    workers.emplace_back([&, w] {
      auto until = std::chrono::steady_clock::now() + 10s;
      while (std::chrono::steady_clock::now() < until) {
        {
          std::lock_guard lock(mu);
          if (claimed.size() == ids.size()) return;
        }
        auto job = queue_->Claim("w" + std::to_string(w), 30, Lane::kHeavy);
        if (!job.ok() || !job->has_value()) continue;
        EXPECT_EQ((*job)->attempts, 1);
        EXPECT_TRUE(queue_->Complete(**job).ok());
        std::lock_guard lock(mu);
        claimed.insert((*job)->id);
      }
    });
  for (auto& t : workers) t.join();
  EXPECT_EQ(claimed, std::multiset<std::string>(ids.begin(), ids.end()));
  for (const auto& id : ids) EXPECT_EQ(State(id), "done");
  EXPECT_FALSE(ClaimWithin(*queue_, "late", 30, 1500ms).has_value());
}

TEST_P(QueueContract, AJobWhoseWorkerDiedIsTakenOverAfterItsLease) {
  std::string id = AddJob("task");
  auto first = ClaimWithin(*queue_, "dies", 1);
  ASSERT_TRUE(first.has_value());
  // "dies" never heartbeats again; another worker (same lease setting) gets the job once the
  // lease has run out.
  auto second = ClaimWithin(*queue_, "survivor", 1, 8s);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->id, id);
  EXPECT_EQ(second->attempts, 2);
  EXPECT_FALSE(*HoldsLease(*db_, *first, "dies"));
  EXPECT_TRUE(*HoldsLease(*db_, *second, "survivor"));
}

TEST_P(QueueContract, AHeartbeatKeepsTheJobWithItsWorker) {
  AddJob("task");
  auto job = ClaimWithin(*queue_, "alive", 2);
  ASSERT_TRUE(job.has_value());
  std::atomic<bool> stop{false};
  std::thread beat([&] {
    while (!stop) {
      EXPECT_TRUE(queue_->Heartbeat(*job, "alive", 2).ok());
      std::this_thread::sleep_for(200ms);
    }
  });
  auto other = ClaimWithin(*queue_, "other", 2, 5s);  // 2.5 leases
  stop = true;
  beat.join();
  EXPECT_FALSE(other.has_value());
  EXPECT_TRUE(*HoldsLease(*db_, *job, "alive"));
}

TEST_P(QueueContract, AReleasedJobIsReadyAtOnceAndTheAttemptDoesNotCount) {
  std::string id = AddJob("task");
  auto job = ClaimWithin(*queue_, "stopping", 30);
  ASSERT_TRUE(job.has_value());
  ASSERT_TRUE(queue_->Release(*job, "stopping").ok());
  auto again = ClaimWithin(*queue_, "next", 30, 3s);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->id, id);
  EXPECT_EQ(again->attempts, 1);
}

TEST_P(QueueContract, FailuresRetryAfterABackoffThenTheJobIsDead) {
  std::string id = AddJob("task");
  auto job = ClaimWithin(*queue_, "w", 30);
  ASSERT_TRUE(job.has_value());
  auto dead = queue_->Fail(*job, "decoder crashed", 2, false);
  ASSERT_TRUE(dead.ok());
  EXPECT_FALSE(*dead);
  EXPECT_EQ(State(id), "ready");
  EXPECT_FALSE(ClaimWithin(*queue_, "w", 30, 1500ms).has_value()) << "claimed during backoff";
  // Skip the rest of the backoff.
  ASSERT_TRUE(db_->Exec("UPDATE jobs SET run_after = ? WHERE id = ?", {IsoFromNow(-1), id}).ok());
  queue_->Notify();
  auto retry = ClaimWithin(*queue_, "w", 30);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->attempts, 2);
  dead = queue_->Fail(*retry, "decoder crashed again", 2, false);
  ASSERT_TRUE(dead.ok());
  EXPECT_TRUE(*dead);
  EXPECT_EQ(State(id), "dead");
  auto error = db_->Query("SELECT last_error FROM jobs WHERE id = ?", {id});
  EXPECT_EQ(AsString((*error)[0][0]), "decoder crashed again");
}

TEST_P(QueueContract, APermanentFailureIsDeadAtOnce) {
  std::string id = AddJob("task");
  auto job = ClaimWithin(*queue_, "w", 30);
  ASSERT_TRUE(job.has_value());
  auto dead = queue_->Fail(*job, "not a recording", 5, true);
  ASSERT_TRUE(dead.ok());
  EXPECT_TRUE(*dead);
  EXPECT_EQ(State(id), "dead");
}

TEST_P(QueueContract, ProbeReportsTheDepth) {
  AddJob("a");
  AddJob("b");
  AddJob("c", "webhook");
  auto p = queue_->Probe();
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ((*p)["depth"], 3);
  EXPECT_EQ((*p)["lanes"], (nlohmann::json{{"heavy", 2}, {"light", 1}}));
}

INSTANTIATE_TEST_SUITE_P(Backends, QueueContract, ::testing::Values("database", "redis"),
                         [](const auto& info) { return info.param; });

// Fair workers on every backend: the table queue on SQLite and on PostgreSQL, the Redis
// stream over either. PostgreSQL is one server for the suite (started by the first test that
// needs it: CTest runs each test alone), a fresh database per test.
class FairQueue : public QueueTest, public ::testing::WithParamInterface<std::string> {
 protected:
  static void TearDownTestSuite() {
    delete pg_;
    pg_ = nullptr;
    QueueTest::TearDownTestSuite();
  }
  void SetUp() override {
    QueueTest::SetUp();
    if (HasFatalFailure()) return;
    if (OnPostgres()) {
      if (!pg_) pg_ = new testing::PgServer;
      static int n = 0;
      std::string name = "fair" + std::to_string(++n);
      pg_->Psql("CREATE DATABASE " + name);
      UseDatabase(pg_->Url(name));
    }
  }
  bool OnPostgres() const { return GetParam().find("postgres") != std::string::npos; }
  bool OnRedis() const { return GetParam().rfind("redis", 0) == 0; }
  // A queue as one worker process has it: its own database handle, the same options everywhere.
  std::pair<std::unique_ptr<Database>, std::unique_ptr<JobQueue>> Claimer(JobQueueOptions o) {
    auto db = OpenDatabase(db_url_);
    EXPECT_TRUE(db.ok()) << db.status().message();
    auto q = OpenJobQueue(OnRedis() ? redis_->Url() : "database", **db, o);
    EXPECT_TRUE(q.ok()) << q.status().message();
    return {std::move(*db), std::move(*q)};
  }
  // One claim finds nothing: the table is read once; a stream is read (1 s) and then the table.
  bool NothingFor(JobQueue& q, const std::string& owner, Lane lane = Lane::kHeavy) {
    auto job = q.Claim(owner, 30, lane);
    EXPECT_TRUE(job.ok()) << job.status().message();
    return job.ok() && !job->has_value();
  }
  std::map<std::string, int64_t> LeasedByTenant() {
    std::map<std::string, int64_t> out;
    auto rows = db_->Query(
        "SELECT tenant_id, count(*) FROM jobs WHERE state = 'leased' GROUP BY tenant_id");
    EXPECT_TRUE(rows.ok());
    for (const auto& r : *rows) out[AsString(r[0])] = AsInt(r[1]);
    return out;
  }
  static testing::PgServer* pg_;
};
testing::PgServer* FairQueue::pg_ = nullptr;

TEST_P(FairQueue, OneTenantsBurstDoesNotMakeAnotherWait) {
  Open(OnRedis() ? "redis" : "database");
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.insert(AddJob("a" + std::to_string(i), "transcribe", "a"));
  std::string b = AddJob("b0", "transcribe", "b");
  ids.insert(b);
  // One slot, claiming and finishing one job at a time: global FIFO would run all of a's first.
  std::vector<std::string> order;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto job = ClaimWithin(*queue_, "w", 30);
    ASSERT_TRUE(job.has_value()) << "claim " << i;
    EXPECT_EQ(job->tenant_id, job->task_id.substr(0, 1));
    order.push_back(job->id);
    ASSERT_TRUE(queue_->Complete(*job).ok());
  }
  auto at = std::find(order.begin(), order.end(), b) - order.begin();
  EXPECT_LT(at, 2) << "b's job was claim " << at + 1 << " of " << order.size();
  // Nothing lost, nothing twice: a's deliveries passed over for b's turn ran too.
  EXPECT_EQ(std::multiset<std::string>(order.begin(), order.end()),
            std::multiset<std::string>(ids.begin(), ids.end()));
  EXPECT_TRUE(NothingFor(*queue_, "w"));
}

TEST_P(FairQueue, ThePerTenantCapHoldsAcrossWorkers) {
  JobQueueOptions capped;
  capped.max_running_per_tenant = 2;
  Open(OnRedis() ? "redis" : "database", capped);
  for (int i = 0; i < 6; ++i) AddJob("a" + std::to_string(i), "transcribe", "a");
  for (int i = 0; i < 2; ++i) AddJob("b" + std::to_string(i), "transcribe", "b");
  std::string hook = AddJob("a-hook", "webhook", "a");
  // Two worker processes claiming at once and finishing nothing, until nothing more comes.
  std::mutex mu;
  std::vector<Job> held;
  std::vector<std::thread> workers;
  for (int w = 0; w < 2; ++w)
    workers.emplace_back([&, w] {
      auto [db, q] = Claimer(capped);
      auto quiet_since = std::chrono::steady_clock::now();
      while (std::chrono::steady_clock::now() - quiet_since < 1500ms) {
        auto job = q->Claim("w" + std::to_string(w), 30, Lane::kHeavy);
        if (!job.ok() || !job->has_value()) continue;
        quiet_since = std::chrono::steady_clock::now();
        std::lock_guard lock(mu);
        held.push_back(**job);
      }
    });
  for (auto& t : workers) t.join();
  std::map<std::string, int> by_tenant;
  for (const auto& j : held) ++by_tenant[j.tenant_id];
  EXPECT_EQ(by_tenant, (std::map<std::string, int>{{"a", 2}, {"b", 2}}));
  EXPECT_EQ(LeasedByTenant(), (std::map<std::string, int64_t>{{"a", 2}, {"b", 2}}));
  // The cap is the heavy lane's: a's webhook delivery is not held back by it.
  auto light = ClaimWithin(*queue_, "light", 30, 3s, Lane::kLight);
  ASSERT_TRUE(light.has_value());
  EXPECT_EQ(light->id, hook);
  // One of a's finishes: the next of a's starts at once (on Redis its delivery was left
  // pending when a was at the cap; the table hands it out).
  const Job* a_job = nullptr;
  for (const auto& j : held)
    if (j.tenant_id == "a") a_job = &j;
  ASSERT_NE(a_job, nullptr);
  ASSERT_TRUE(queue_->Complete(*a_job).ok());
  auto next = ClaimWithin(*queue_, "w2", 30, 3s);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->tenant_id, "a");
  EXPECT_TRUE(NothingFor(*queue_, "w2")) << "a is at its cap again";
}

// Two worker processes with two light threads each (a thread holds what it claims, like a
// delivery to a receiver that does not answer). Tenant a's burst of webhook deliveries comes
// first: without the light cap it would fill all four threads, and b's delivery, arriving
// next, would find none free; with it a holds one thread across both processes and b's
// delivery starts at once.
TEST_P(FairQueue, TheLightCapLeavesLightThreadsToOtherTenants) {
  JobQueueOptions capped;
  capped.max_light_running_per_tenant = 1;
  Open(OnRedis() ? "redis" : "database", capped);
  for (int i = 0; i < 6; ++i) AddJob("a-hook" + std::to_string(i), "webhook", "a");
  constexpr int kThreads = 2;
  struct Worker {
    std::unique_ptr<Database> db;
    std::unique_ptr<JobQueue> queue;
    std::vector<Job> held;
  };
  std::vector<Worker> workers(2);
  for (auto& w : workers) std::tie(w.db, w.queue) = Claimer(capped);
  // Each process claims until its threads are all busy or nothing more comes.
  auto fill = [&](std::chrono::milliseconds quiet) {
    std::vector<std::thread> threads;
    for (size_t n = 0; n < workers.size(); ++n)
      threads.emplace_back([&, n] {
        Worker& w = workers[n];
        auto quiet_since = std::chrono::steady_clock::now();
        while (static_cast<int>(w.held.size()) < kThreads &&
               std::chrono::steady_clock::now() - quiet_since < quiet) {
          auto job = w.queue->Claim("w" + std::to_string(n), 30, Lane::kLight);
          if (!job.ok() || !job->has_value()) continue;
          quiet_since = std::chrono::steady_clock::now();
          w.held.push_back(**job);
        }
      });
    for (auto& t : threads) t.join();
  };
  fill(1500ms);
  EXPECT_EQ(LeasedByTenant(), (std::map<std::string, int64_t>{{"a", 1}}))
      << "a's deliveries hold one light thread across both processes";
  std::string b = AddJob("b-hook", "webhook", "b");
  fill(1500ms);
  std::vector<std::string> started;
  for (const auto& w : workers)
    for (const auto& j : w.held) started.push_back(j.tenant_id);
  std::sort(started.begin(), started.end());
  EXPECT_EQ(started, (std::vector<std::string>{"a", "b"})) << "b's delivery found a free thread";
  EXPECT_EQ(State(b), "leased");
  EXPECT_EQ(LeasedByTenant(), (std::map<std::string, int64_t>{{"a", 1}, {"b", 1}}));
}

TEST_P(FairQueue, EachLaneTakesOnlyItsOwnJobs) {
  Open(OnRedis() ? "redis" : "database");
  std::string hook = AddJob("hooked", "webhook", "a");
  EXPECT_TRUE(NothingFor(*queue_, "heavy")) << "a heavy slot took a webhook delivery";
  std::string transcribe = AddJob("heavy", "transcribe", "a");
  std::string minutes = AddJob("regenerate", "minutes", "b");
  auto light = ClaimWithin(*queue_, "light", 30, 5s, Lane::kLight);
  ASSERT_TRUE(light.has_value());
  EXPECT_EQ(light->id, hook);
  EXPECT_EQ(light->lane, Lane::kLight);
  if (OnRedis()) {
    EXPECT_FALSE(light->delivery.empty()) << "through the light lane's stream";
  }
  EXPECT_TRUE(NothingFor(*queue_, "light", Lane::kLight)) << "a light thread took a heavy job";
  std::set<std::string> heavy;
  for (int i = 0; i < 2; ++i) {
    auto job = ClaimWithin(*queue_, "heavy", 30);
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(job->lane, Lane::kHeavy);
    heavy.insert(job->id);
  }
  EXPECT_EQ(heavy, (std::set<std::string>{transcribe, minutes}));
  if (OnRedis()) {
    EXPECT_EQ(Redis({"XLEN", redis_queue().light_stream()}).integer, 1);
    EXPECT_EQ(Redis({"XLEN", redis_queue().stream()}).integer, 2);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, FairQueue,
                         ::testing::Values("sqlite", "postgres", "redis", "redis_postgres"),
                         [](const auto& info) { return info.param; });

class RedisQueue : public QueueTest {
 protected:
  void SetUp() override {
    QueueTest::SetUp();
    Open("redis");
  }
  int64_t Published(const std::string& id) {
    auto rows = db_->Query("SELECT published FROM jobs WHERE id = ?", {id});
    return AsInt((*rows)[0][0]);
  }
  bool WaitFor(const std::function<bool()>& ok, std::chrono::milliseconds within = 5s) {
    auto until = std::chrono::steady_clock::now() + within;
    while (!ok()) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }
};

TEST_F(RedisQueue, JobsGoThroughTheStreamAndAreAcknowledged) {
  std::string id = AddJob("task");
  ASSERT_TRUE(WaitFor([&] { return Published(id) == 1; }));
  EXPECT_EQ(Redis({"XLEN", redis_queue().stream()}).integer, 1);
  auto job = ClaimWithin(*queue_, "w", 30);
  ASSERT_TRUE(job.has_value());
  EXPECT_FALSE(job->delivery.empty());
  EXPECT_EQ(Redis({"XPENDING", redis_queue().stream(), redis_queue().group()}).elements[0].integer,
            1);
  ASSERT_TRUE(queue_->Complete(*job).ok());
  EXPECT_EQ(Redis({"XPENDING", redis_queue().stream(), redis_queue().group()}).elements[0].integer,
            0);
  redis_queue().Trim();
  EXPECT_EQ(Redis({"XLEN", redis_queue().stream()}).integer, 1) << "the last delivered entry stays";
  for (int i = 0; i < 5; ++i) {
    AddJob("more" + std::to_string(i));
    auto j = ClaimWithin(*queue_, "w", 30);
    ASSERT_TRUE(j.has_value());
    ASSERT_TRUE(queue_->Complete(*j).ok());
  }
  redis_queue().Trim();
  EXPECT_LE(Redis({"XLEN", redis_queue().stream()}).integer, 1) << "acknowledged entries trimmed";
}

TEST_F(RedisQueue, JobsCreatedWhileRedisIsDownArePublishedWhenItIsBack) {
  redis_->Stop();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(AddJob("task" + std::to_string(i)));
  EXPECT_FALSE(redis_queue().DrainOutbox().ok());
  for (const auto& id : ids) EXPECT_EQ(Published(id), 0);
  redis_->Start();  // empty: no stream, no group
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& id : ids)
          if (Published(id) != 1) return false;
        return true;
      },
      10s));
  std::set<std::string> claimed;
  for (int i = 0; i < 5; ++i) {
    auto job = ClaimWithin(*queue_, "w", 30);
    ASSERT_TRUE(job.has_value());
    EXPECT_FALSE(job->delivery.empty()) << "delivered through the stream";
    EXPECT_TRUE(claimed.insert(job->id).second);
    ASSERT_TRUE(queue_->Complete(*job).ok());
  }
  EXPECT_EQ(claimed, std::set<std::string>(ids.begin(), ids.end()));
}

TEST_F(RedisQueue, WorkGoesOnByPollingTheDatabaseWhileRedisIsDown) {
  redis_->Stop();
  std::string id = AddJob("task");
  auto job = ClaimWithin(*queue_, "w", 30, 5s);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->id, id);
  EXPECT_TRUE(job->delivery.empty());
  ASSERT_TRUE(queue_->Complete(*job).ok());
  EXPECT_EQ(State(id), "done");
}

TEST_F(RedisQueue, WhenRedisLosesItsDataUnfinishedJobsAreRepublished) {
  std::string running = AddJob("running"), waiting = AddJob("waiting");
  ASSERT_TRUE(WaitFor([&] { return Published(running) == 1 && Published(waiting) == 1; }));
  auto job = ClaimWithin(*queue_, "a", 30);
  ASSERT_TRUE(job.has_value());
  redis_->Stop();
  redis_->Start();  // every key is gone
  auto next = ClaimWithin(*queue_, "b", 30, 8s);
  ASSERT_TRUE(next.has_value());
  EXPECT_NE(next->id, job->id) << "a job with a live lease is not run twice";
  EXPECT_TRUE(queue_->Complete(*next).ok());
  EXPECT_TRUE(queue_->Complete(*job).ok());
  EXPECT_FALSE(ClaimWithin(*queue_, "b", 30, 1500ms).has_value());
}

TEST_F(RedisQueue, ADuplicateDeliveryOfAFinishedJobIsAcknowledgedAndSkipped) {
  std::string id = AddJob("task");
  auto job = ClaimWithin(*queue_, "w", 30);
  ASSERT_TRUE(job.has_value());
  ASSERT_TRUE(queue_->Complete(*job).ok());
  Redis({"XADD", redis_queue().stream(), "*", "job", id});
  Redis({"XADD", redis_queue().stream(), "*", "job", "no-such-job"});
  EXPECT_FALSE(ClaimWithin(*queue_, "w", 30, 2500ms).has_value());
  EXPECT_EQ(Redis({"XPENDING", redis_queue().stream(), redis_queue().group()}).elements[0].integer,
            0);
}

// The stream delivers a's second job while b has none running: not a's turn. The delivery is
// left pending (not acknowledged), b's job is leased from the table instead, a's job still runs
// once, and its old delivery is acknowledged when Redis hands it out again and it is done.
TEST_F(RedisQueue, ADeliveryThatIsNotItsTenantsTurnStaysPendingAndItsJobStillRunsOnce) {
  std::string a0 = AddJob("a0", "transcribe", "a"), a1 = AddJob("a1", "transcribe", "a");
  std::string b0 = AddJob("b0", "transcribe", "b");
  ASSERT_TRUE(WaitFor([&] { return Published(a0) + Published(a1) + Published(b0) == 3; }));
  auto pending = [&] {
    return Redis({"XPENDING", redis_queue().stream(), redis_queue().group()}).elements[0].integer;
  };
  auto first = ClaimWithin(*queue_, "w", 30);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->id, a0);
  auto second = ClaimWithin(*queue_, "w", 30);  // the stream offers a1; b has fewer running
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->id, b0);
  EXPECT_TRUE(second->delivery.empty()) << "leased from the table";
  EXPECT_EQ(State(a1), "ready");
  EXPECT_EQ(pending(), 2) << "a0's delivery and a1's, left for later";
  ASSERT_TRUE(queue_->Complete(*first).ok());
  ASSERT_TRUE(queue_->Complete(*second).ok());
  auto third = ClaimWithin(*queue_, "w", 30);
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->id, a1);
  ASSERT_TRUE(queue_->Complete(*third).ok());
  // Idle past a (1 s) lease, a1's delivery comes back through XAUTOCLAIM: done, acknowledged.
  EXPECT_FALSE(ClaimWithin(*queue_, "w", 1, 2500ms).has_value());
  EXPECT_EQ(pending(), 0);
  for (const auto& id : {a0, a1, b0}) EXPECT_EQ(State(id), "done");
}

TEST_F(RedisQueue, ADeadJobGoesToTheDeadLetterStream) {
  std::string id = AddJob("task");
  auto job = ClaimWithin(*queue_, "w", 30);
  ASSERT_TRUE(job.has_value());
  ASSERT_TRUE(*queue_->Fail(*job, "unsupported codec", 3, true));
  auto dead = Redis({"XRANGE", redis_queue().dead_stream(), "-", "+"});
  ASSERT_EQ(dead.elements.size(), 1u);
  std::map<std::string, std::string> fields;
  const auto& kv = dead.elements[0].elements[1].elements;
  for (size_t i = 0; i + 1 < kv.size(); i += 2) fields[kv[i].str] = kv[i + 1].str;
  EXPECT_EQ(fields["job"], id);
  EXPECT_EQ(fields["task"], "task");
  EXPECT_EQ(fields["kind"], "transcribe");
  EXPECT_EQ(fields["error"], "unsupported codec");
  auto probe = queue_->Probe();
  ASSERT_TRUE(probe.ok());
  EXPECT_EQ((*probe)["dead_letters"], 1);
}

TEST_F(RedisQueue, ProbeFailsClearlyWhileRedisIsDown) {
  redis_->Stop();
  std::this_thread::sleep_for(1100ms);  // past the reconnect pause
  auto probe = queue_->Probe();
  ASSERT_FALSE(probe.ok());
  EXPECT_NE(probe.status().message().find("redis 127.0.0.1:" + std::to_string(redis_->port())),
            std::string::npos)
      << probe.status().message();
}

// The same stream over PostgreSQL: the outbox statements (row-value IN, the claim by id) in its
// dialect, and every job of a concurrent burst run once.
TEST(RedisQueueOnPostgres, PublishesClaimsAndCompletesEveryJobOnce) {
  testing::PgServer pg;
  testing::RedisServer redis;
  auto db = OpenDatabase(pg.Url());
  ASSERT_TRUE(db.ok()) << db.status().message();
  ASSERT_TRUE(Migrate(**db).ok());
  std::string now = NowIso();
  ASSERT_TRUE(
      (*db)->Exec("INSERT INTO tenants (id, name, created_at) VALUES ('t', 't', ?)", {now}).ok());
  ASSERT_TRUE((*db)
                  ->Exec("INSERT INTO users (id, tenant_id, username, password_hash, role, "
                         "created_at) VALUES ('u', 't', 'u', 'x', 'admin', ?)",
                         {now})
                  .ok());
  auto q = OpenJobQueue(redis.Url(), **db);
  ASSERT_TRUE(q.ok()) << q.status().message();
  constexpr int kJobs = 30;
  std::thread enqueue([&] {
    for (int i = 0; i < kJobs; ++i) {
      std::string task = "task" + std::to_string(i);
      Status s = (*db)->Transaction([&](Database& tx) -> Status {
        if (Status e = tx.Exec("INSERT INTO tasks (id, tenant_id, user_id, state, created_at, "
                               "updated_at) VALUES (?, 't', 'u', 'queued', ?, ?)",
                               {task, now, now});
            !e.ok())
          return e;
        return JobQueue::Enqueue(tx, task, "transcribe");
      });
      EXPECT_TRUE(s.ok()) << s.message();
      (*q)->Notify();
    }
  });
  std::mutex mu;
  std::multiset<std::string> claimed;
  std::vector<std::thread> workers;
  for (int w = 0; w < 2; ++w)
    workers.emplace_back([&, w] {
      auto until = std::chrono::steady_clock::now() + 20s;
      while (std::chrono::steady_clock::now() < until) {
        {
          std::lock_guard lock(mu);
          if (claimed.size() == kJobs) return;
        }
        auto job = (*q)->Claim("pg" + std::to_string(w), 30, Lane::kHeavy);
        if (!job.ok() || !job->has_value()) continue;
        EXPECT_FALSE((*job)->delivery.empty());
        EXPECT_TRUE((*q)->Complete(**job).ok());
        std::lock_guard lock(mu);
        claimed.insert((*job)->task_id);
      }
    });
  enqueue.join();
  for (auto& t : workers) t.join();
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), claimed.size());
  EXPECT_EQ(pg.Psql("SELECT count(*) FROM jobs WHERE state = 'done'"),
            std::to_string(kJobs) + "\n");
  // Marked published unless a worker had claimed the job before the pump got to mark it.
  EXPECT_NE(pg.Psql("SELECT count(*) FROM jobs WHERE published = 1"), "0\n");
}

}  // namespace
}  // namespace minutes
