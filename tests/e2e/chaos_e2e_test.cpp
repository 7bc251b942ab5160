// Chaos: an API-only `minutes serve` and three `minutes worker` processes on one database; a
// batch of short recordings is submitted, and while it runs a random worker is killed with -9
// (and started again) at random moments — mostly one that holds a job at that instant. On
// PostgreSQL the database is stopped mid-batch, on Redis Streams redis-server is (and comes
// back empty). At the end every task has succeeded exactly once — one transcript, one minutes
// version, one speech-to-text charge in the cost log, one task.succeeded event, never a task
// that went back from succeeded — and nothing is orphaned: every stored object belongs to a
// task, no staging pieces, no fetched recordings in the workers' temp directory.
//
// CI runs a small batch (6 tasks, 10 kills per test). bench/chaos.sh runs the same tests with
// MINUTES_CHAOS_TASKS / MINUTES_CHAOS_KILLS / MINUTES_CHAOS_GAP_MS / MINUTES_CHAOS_SEED and
// reads the figures they print ("chaos: …" lines).
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>

#include "child_process.hpp"
#include "fake_http_server.hpp"
#include "http_client.hpp"
#include "pg_server.hpp"
#include "redis_server.hpp"
#include "run_command.hpp"
#include "short_wav.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using namespace minutes::testing;
using Clock = std::chrono::steady_clock;

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

// One request with a bounded wait: status 0 when there was no answer in time (a hang) or the
// connection failed.
Reply TimedCall(int port, const std::string& method, const std::string& path,
                const std::string& body = "", const std::string& bearer = "",
                const std::string& type = "application/json", int timeout_s = 15) {
  try {
    return Call(port, method, path, body, bearer, type, {}, timeout_s);
  } catch (const std::exception& e) {
    return Reply{0, e.what(), {}};
  }
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

struct Outage {
  int requests = 0;
  std::map<int, int> statuses;  // HTTP status -> how many (0 = no answer in time)
  double slowest_s = 0;
  int deferred_uploads = 0;  // refused with 503, sent again once it was back
};

class Chaos : public ::testing::Test {
 protected:
  enum class Db { kSqlite, kPostgres };
  enum class Queue { kTable, kRedis };

  void SetUp() override {
    tasks_ = EnvInt("MINUTES_CHAOS_TASKS", 6);
    kills_ = EnvInt("MINUTES_CHAOS_KILLS", 10);
    workers_n_ = EnvInt("MINUTES_CHAOS_WORKERS", 3);
    gap_ms_ = EnvInt("MINUTES_CHAOS_GAP_MS", 700);    // mean time between kills
    clip_s_ = EnvInt("MINUTES_CHAOS_CLIP_S", 6);      // seconds of audio per task
    outage_s_ = EnvInt("MINUTES_CHAOS_OUTAGE_S", 2);  // how long a backend stays down
    seed_ = static_cast<uint32_t>(
        EnvInt("MINUTES_CHAOS_SEED", static_cast<int>(std::random_device{}() & 0x7fffffff)));
    rng_.seed(seed_);
    dir_ = fs::temp_directory_path() /
           ("minutes-chaos-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "tmp");
    wav_ = ShortWav(TestData("standup") / "meeting.wav", clip_s_);
    hooks_ = std::make_unique<FakeHttpServer>(
        [this](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
          auto j = nlohmann::json::parse(r.body, nullptr, false);
          std::lock_guard lock(hook_mu_);
          if (j.is_object()) ++deliveries_[j.value("event", "") + " " + FindTaskId(j)];
          res.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
          res.send() << "ok";
        });
  }
  void TearDown() override {
    workers_.clear();
    serve_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }

  static std::string FindTaskId(const nlohmann::json& j) {
    if (j.contains("task_id") && j["task_id"].is_string()) return j["task_id"];
    if (j.contains("task") && j["task"].is_object()) return j["task"].value("id", "");
    if (j.contains("data") && j["data"].is_object()) return FindTaskId(j["data"]);
    return "";
  }

  void Start(Db db, Queue queue) {
    db_ = db;
    queue_ = queue;
    if (db == Db::kPostgres) pg_ = std::make_unique<PgServer>();
    if (queue == Queue::kRedis) redis_ = std::make_unique<RedisServer>();
    config_ = (dir_ / "minutes.yaml").string();
    std::ofstream y(config_);
    y << "data_dir: " << (dir_ / "data").string() << "\n";
    if (pg_) y << "database: " << pg_->Url() << "\n";
    if (redis_) y << "queue: " << redis_->Url() << "\n";
    y << "server:\n  workers: 0\n  max_upload_mb: 50\n"
      << "auth:\n  jwt_secret: " << std::string(40, 'k')
      << "\n"
      // A short lease, so a killed worker's job is taken over quickly; attempts without a
      // practical limit, so the figure under test is "exactly once", not the poison-job cap.
      << "worker:\n  lease_s: 2\n  max_attempts: 1000\n  temp_dir: " << (dir_ / "tmp").string()
      << "\n"
      << "asr:\n  threads: 1\n"
      << "webhooks:\n  allow_private_networks: true\n"
      // No upload-rate, upload-bytes or queued-task limit: the batch is never throttled, and an
      // upload during a database outage goes all the way to the steps after storage.
      << "limits:\n  user_uploads_per_minute: 0\n  tenant_queued_tasks: 0\n"
      << "  user_upload_mb_per_hour: 0\n";
    y.close();
    auto added = RunCommand("printf correct-battery-42 | " + MinutesBinary() +
                            " user add alice --tenant acme --admin --password-stdin --config " +
                            ShellQuote(config_));
    ASSERT_EQ(added.exit_code, 0) << added.output;
    serve_ = std::make_unique<ChildProcess>(
        MinutesBinary(), std::vector<std::string>{"serve", "--config", config_, "--port", "0"},
        std::map<std::string, std::string>{}, (dir_ / "serve.log").string());
    port_ = serve_->port();
    ASSERT_GT(port_, 0) << ReadFile((dir_ / "serve.log").string());
    auto login = TimedCall(port_, "POST", "/api/v1/auth/login",
                           R"({"username":"alice","password":"correct-battery-42"})");
    token_ = login.json().value("access_token", "");
    ASSERT_FALSE(token_.empty()) << login.body;
    auto hook = TimedCall(port_, "POST", "/api/v1/webhooks",
                          "{\"url\":\"http://127.0.0.1:" + std::to_string(hooks_->port()) +
                              "/hook\",\"events\":[\"task.succeeded\",\"task.failed\"]}",
                          token_);
    ASSERT_EQ(hook.status, 201) << hook.body;
    for (int i = 0; i < workers_n_; ++i) workers_.push_back(StartWorker());
  }

  std::unique_ptr<ChildProcess> StartWorker() {
    auto w = std::make_unique<ChildProcess>(
        MinutesBinary(), std::vector<std::string>{"worker", "--config", config_},
        std::map<std::string, std::string>{}, (dir_ / "workers.log").string(), /*append=*/true);
    EXPECT_NE(w->first_line().find("worker running"), std::string::npos)
        << "a worker did not start: " << w->first_line();
    return w;
  }

  std::string Sql(const std::string& q) {
    if (pg_) return pg_->Psql(q);
    return RunCommand("sqlite3 -cmd '.timeout 5000' " +
                      ShellQuote((dir_ / "data" / "minutes.db").string()) + " " + ShellQuote(q))
        .output;
  }

  // POST /api/v1/tasks with the short recording; the reply.
  Reply Upload() { return TimedCall(port_, "POST", "/api/v1/tasks", wav_, token_, "audio/wav"); }
  void Submit(int n) {
    for (int i = 0; i < n; ++i) {
      auto r = Upload();
      ASSERT_EQ(r.status, 201) << r.body;
      ids_.push_back(r.json()["id"]);
    }
  }

  // Tasks that have been seen succeeded; one seen in another state later went back.
  void Watch() {
    for (const auto& l : Lines(Sql("SELECT id || '|' || state FROM tasks"))) {
      auto bar = l.find('|');
      std::string id = l.substr(0, bar), state = l.substr(bar + 1);
      if (state == "succeeded")
        succeeded_.insert(id);
      else if (succeeded_.count(id))
        went_back_.insert(id + " (" + state + ")");
    }
  }

  // Kills one worker with -9 and starts another in its place: one holding a heavy job when
  // there is such, else any.
  void KillOne() {
    std::set<int> busy;
    for (const auto& owner :
         Lines(Sql("SELECT lease_owner FROM jobs WHERE state = 'leased' AND lane = 'heavy'"))) {
      auto a = owner.find(':'), b = owner.find(':', a + 1);
      if (a != std::string::npos && b != std::string::npos)
        busy.insert(std::atoi(owner.substr(a + 1, b - a - 1).c_str()));
    }
    std::vector<size_t> candidates;
    for (size_t i = 0; i < workers_.size(); ++i)
      if (busy.count(workers_[i]->pid())) candidates.push_back(i);
    bool mid_job = !candidates.empty();
    if (!mid_job)
      for (size_t i = 0; i < workers_.size(); ++i) candidates.push_back(i);
    size_t victim =
        candidates[std::uniform_int_distribution<size_t>(0, candidates.size() - 1)(rng_)];
    EXPECT_EQ(workers_[victim]->Kill(SIGKILL), 128 + SIGKILL);
    ++killed_;
    mid_job_kills_ += mid_job;
    workers_[victim] = StartWorker();
  }

  void Pause() {
    // Exponential gaps around the mean, at least 100 ms: random moments, not a rhythm.
    std::exponential_distribution<double> gap(1.0 / gap_ms_);
    int ms = std::max(100, static_cast<int>(gap(rng_)));
    auto until = Clock::now() + std::chrono::milliseconds(ms);
    while (Clock::now() < until) {
      Watch();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  // Requests against the API while a backend is down, until `seconds` have passed: reads,
  // sign-ins and readiness every 200 ms, an upload at the start and at the end (one refused
  // with 503 is sent again once the backend is back, as a client would).
  void Probe(Outage& o, double seconds, int ready_status) {
    auto until = Clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
    std::string some = ids_.empty() ? "none" : ids_.front();
    for (int round = 0;; ++round) {
      bool last = Clock::now() >= until;
      std::vector<std::pair<std::string, std::function<Reply()>>> calls = {
          {"list", [&] { return TimedCall(port_, "GET", "/api/v1/tasks", "", token_); }},
          {"get", [&] { return TimedCall(port_, "GET", "/api/v1/tasks/" + some, "", token_); }},
          {"me", [&] { return TimedCall(port_, "GET", "/api/v1/me", "", token_); }},
          {"login",
           [&] {
             return TimedCall(port_, "POST", "/api/v1/auth/login",
                              R"({"username":"alice","password":"correct-battery-42"})");
           }},
      };
      if (round == 0 || last) calls.emplace_back("upload", [&] { return Upload(); });
      for (auto& [name, call] : calls) {
        auto t0 = Clock::now();
        Reply r = call();
        double s = std::chrono::duration<double>(Clock::now() - t0).count();
        o.slowest_s = std::max(o.slowest_s, s);
        ++o.requests;
        ++o.statuses[r.status];
        if (name == "upload" && r.status == 201) ids_.push_back(r.json()["id"]);
        if (name == "upload" && r.status == 503) ++o.deferred_uploads;
        // Never a 500 or a hang; and with the database away, 503 for everything that needs it
        // (all but /me of a caller still remembered, answered from the token alone).
        bool database_down = ready_status == 503;
        if (database_down ? r.status != 503 && !(name == "me" && r.status == 200)
                          : r.status != 503 && r.status / 100 != 2)
          ADD_FAILURE() << name << " answered " << r.status << " during the outage: " << r.body;
      }
      auto ready = TimedCall(port_, "GET", "/health/ready");
      EXPECT_EQ(ready.status, ready_status) << ready.body;
      if (last) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  void DatabaseOutage() {
    // A client active just before: its first requests in the outage find their caller still
    // remembered (≤ 1 s) and go on to the handlers, which meet the database themselves.
    EXPECT_EQ(TimedCall(port_, "GET", "/api/v1/me", "", token_).status, 200);
    pg_->Stop();
    Probe(pg_outage_, outage_s_, 503);
    pg_->Start();
    WaitReady();
    for (int i = 0; i < pg_outage_.deferred_uploads; ++i) Submit(1);  // the refused ones, again
  }

  void RedisOutage() {
    redis_->Stop();
    Probe(redis_outage_, outage_s_, 200);
    // The jobs table is the outbox: the API goes on (uploads are accepted, the pump publishes
    // them when Redis is back) and says it is degraded.
    for (auto& [status, n] : redis_outage_.statuses)
      EXPECT_EQ(status / 100, 2) << n << " request(s) answered " << status
                                 << " while redis-server was down";
    auto ready = TimedCall(port_, "GET", "/health/ready");
    EXPECT_EQ(ready.json().value("status", ""), "degraded") << ready.body;
    redis_->Start();  // empty: the streams and their group are gone
    for (int i = 0; i < redis_outage_.deferred_uploads; ++i) Submit(1);
  }

  void WaitReady() {
    auto until = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < until && TimedCall(port_, "GET", "/health/ready").status != 200)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  // The whole run: half the batch, kills (with the outages a third and two thirds of the way
  // through), the other half submitted during the kills, then the checks.
  void Run() {
    auto t0 = Clock::now();
    int first = (tasks_ + 1) / 2;
    Submit(first);
    int second_at = kills_ / 2;
    for (int k = 0; k < kills_; ++k) {
      Pause();
      KillOne();
      if (k == second_at) Submit(tasks_ - first);
      if (redis_ && k == kills_ / 3) RedisOutage();
      if (pg_ && k == (2 * kills_) / 3) DatabaseOutage();
    }
    if (kills_ <= second_at) Submit(tasks_ - first);
    auto chaos_s = std::chrono::duration<double>(Clock::now() - t0).count();
    // Every task finishes with the workers left alone.
    int timeout_s = std::max(120, static_cast<int>(ids_.size()) * 15);
    auto until = Clock::now() + std::chrono::seconds(timeout_s);
    std::string pending;
    while (Clock::now() < until) {
      Watch();
      pending = Sql("SELECT count(*) FROM jobs WHERE state NOT IN ('done', 'dead')");
      if (pending == "0\n" && succeeded_.size() >= ids_.size()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    double wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
    Check(chaos_s, wall_s);
  }

  void Check(double chaos_s, double wall_s) {
    const std::string n = std::to_string(ids_.size());
    // Every task succeeded; every job is finished (none dead, none still leased or waiting).
    EXPECT_EQ(Sql("SELECT state || ' ' || count(*) FROM tasks GROUP BY state"),
              "succeeded " + n + "\n");
    EXPECT_EQ(Sql("SELECT kind || ' ' || state || ' ' || count(*) FROM jobs GROUP BY kind, state "
                  "ORDER BY kind, state"),
              "transcribe done " + n + "\nwebhook done " + n + "\n");
    EXPECT_TRUE(went_back_.empty())
        << "tasks that went back from succeeded: " << ::testing::PrintToString(went_back_);
    // Exactly once: one transcript, one minutes version, one speech-to-text charge and one
    // summary in the cost log, one task.succeeded event queued — per task.
    for (const char* table : {"transcripts", "artifacts"})
      EXPECT_EQ(Sql(std::string("SELECT count(*) || ' ' || count(DISTINCT task_id) FROM ") + table),
                n + " " + n + "\n")
          << table;
    EXPECT_EQ(Sql("SELECT count(*) FROM (SELECT target, provider FROM audit_logs WHERE action = "
                  "'provider.call' AND outcome = 'ok' GROUP BY target, provider HAVING count(*) > "
                  "1) d"),
              "0\n")
        << "a task charged twice: "
        << Sql("SELECT target, provider, count(*) FROM audit_logs WHERE action = 'provider.call' "
               "GROUP BY target, provider");
    EXPECT_EQ(Sql("SELECT count(DISTINCT target) FROM audit_logs WHERE action = 'provider.call' "
                  "AND outcome = 'ok' AND provider <> 'extractive'"),
              n + "\n");
    EXPECT_EQ(Sql("SELECT count(*) || ' ' || count(DISTINCT task_id) FROM jobs WHERE kind = "
                  "'webhook'"),
              n + " " + n + "\n");
    // Every task.succeeded reached the receiver (at least once: a worker killed after the
    // delivery and before recording it delivers it again — receivers dedupe by event).
    int redelivered = 0;
    {
      std::lock_guard lock(hook_mu_);
      for (const auto& id : ids_) {
        int got = deliveries_["task.succeeded " + id];
        EXPECT_GE(got, 1) << "no task.succeeded delivery for " << id;
        redelivered += std::max(0, got - 1);
      }
    }
    // Nothing orphaned: every stored file is a task's recording, no staged pieces, no probes,
    // nothing left in the workers' temp directory by the killed ones.
    std::set<std::string> keys;
    for (const auto& k : Lines(Sql("SELECT storage_key FROM objects"))) keys.insert(k);
    EXPECT_EQ(keys.size(), ids_.size());
    std::vector<std::string> orphans;
    fs::path objects = dir_ / "data" / "objects";
    const std::string sidecar = "~sha256";  // an object's SHA-256 beside it: KEY~sha256
    for (auto& e : fs::recursive_directory_iterator(objects)) {
      if (!e.is_regular_file()) continue;
      std::string key = fs::relative(e.path(), objects).string();
      if (key.size() > sidecar.size() && key.ends_with(sidecar))
        key.resize(key.size() - sidecar.size());
      if (!keys.count(key)) orphans.push_back(fs::relative(e.path(), objects).string());
    }
    for (auto& e : fs::recursive_directory_iterator(dir_ / "tmp"))
      orphans.push_back("temp dir: " + e.path().filename().string());
    EXPECT_TRUE(orphans.empty()) << ::testing::PrintToString(orphans);
    // Figures.
    int64_t attempts =
        std::atoll(Sql("SELECT sum(attempts) FROM jobs WHERE kind = 'transcribe'").c_str());
    int64_t most =
        std::atoll(Sql("SELECT max(attempts) FROM jobs WHERE kind = 'transcribe'").c_str());
    std::string mode = std::string(db_ == Db::kPostgres ? "postgresql" : "sqlite") + "/" +
                       (queue_ == Queue::kRedis ? "redis-streams" : "table-queue");
    std::printf(
        "chaos: mode=%s tasks=%zu workers=%d kills=%d mid_job_kills=%d seed=%u chaos_s=%.1f "
        "wall_s=%.1f attempts=%lld retries=%lld max_attempts_one_task=%lld "
        "webhook_redeliveries=%d succeeded_once=%zu orphans=%zu\n",
        mode.c_str(), ids_.size(), workers_n_, killed_, mid_job_kills_, seed_, chaos_s, wall_s,
        static_cast<long long>(attempts),
        static_cast<long long>(attempts - static_cast<int64_t>(ids_.size())),
        static_cast<long long>(most), redelivered, succeeded_.size() - went_back_.size(),
        orphans.size());
    for (auto* o : {&pg_outage_, &redis_outage_}) {
      if (o->requests == 0) continue;
      std::string statuses;
      for (auto& [s, c] : o->statuses)
        statuses += (statuses.empty() ? "" : ",") + std::to_string(s) + "x" + std::to_string(c);
      std::printf("chaos: outage=%s requests=%d statuses=%s slowest_s=%.2f uploads_sent_again=%d\n",
                  o == &pg_outage_ ? "postgresql" : "redis", o->requests, statuses.c_str(),
                  o->slowest_s, o->deferred_uploads);
    }
    std::fflush(stdout);
  }

  int tasks_ = 0, kills_ = 0, workers_n_ = 0, gap_ms_ = 0, clip_s_ = 0, outage_s_ = 0;
  uint32_t seed_ = 0;
  std::mt19937 rng_;
  fs::path dir_;
  std::string config_, wav_, token_;
  Db db_ = Db::kSqlite;
  Queue queue_ = Queue::kTable;
  std::unique_ptr<PgServer> pg_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ChildProcess> serve_;
  std::vector<std::unique_ptr<ChildProcess>> workers_;
  int port_ = 0;
  std::vector<std::string> ids_;
  std::set<std::string> succeeded_, went_back_;
  int killed_ = 0, mid_job_kills_ = 0;
  Outage pg_outage_, redis_outage_;
  std::unique_ptr<FakeHttpServer> hooks_;
  std::mutex hook_mu_;
  std::map<std::string, int> deliveries_;
};

TEST_F(Chaos, TableQueueOnSqliteWorkersKilled) {
  Start(Db::kSqlite, Queue::kTable);
  if (HasFatalFailure()) return;
  Run();
}

// Redis Streams on PostgreSQL; redis-server stopped a third of the way in (back empty), the
// database two thirds of the way in. bench/chaos.sh runs it with MINUTES_CHAOS_QUEUE=table
// too: the table queue on PostgreSQL, with the database restart.
TEST_F(Chaos, OnPostgresWorkersKilledAndBackendsRestarted) {
  const char* queue = std::getenv("MINUTES_CHAOS_QUEUE");
  Start(Db::kPostgres, queue && std::string(queue) == "table" ? Queue::kTable : Queue::kRedis);
  if (HasFatalFailure()) return;
  Run();
}

}  // namespace
}  // namespace minutes
