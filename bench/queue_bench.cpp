// Enqueue -> job start latency for a burst of 100 tasks, per queue backend: each task row and
// its job are committed in one transaction and the queue notified (what POST /api/v1/tasks
// does), while two worker threads claim and complete jobs (a `minutes worker --concurrency 2`).
// The database comes from MINUTES_BENCH_DATABASE, the queue from MINUTES_BENCH_QUEUE
// (bench/queue-bench.sh starts PostgreSQL and Redis and runs both backends).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "db/migrator.hpp"
#include "queue/job_queue.hpp"

namespace minutes {
namespace {

using Clock = std::chrono::steady_clock;

std::string Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

void BM_EnqueueToStart(benchmark::State& state) {
  auto db = OpenDatabase(Env("MINUTES_BENCH_DATABASE", "sqlite:///tmp/minutes-queue-bench.db"));
  if (!db.ok() || !Migrate(**db).ok()) return state.SkipWithError("database");
  std::string now = NowIso();
  (void)(*db)->Exec(
      "INSERT INTO tenants (id, name, created_at) VALUES ('qb', 'qb', ?) "
      "ON CONFLICT DO NOTHING",
      {now});
  (void)(*db)->Exec(
      "INSERT INTO users (id, tenant_id, username, password_hash, role, created_at) "
      "VALUES ('qb', 'qb', 'qb', 'x', 'member', ?) ON CONFLICT DO NOTHING",
      {now});
  auto queue = OpenJobQueue(Env("MINUTES_BENCH_QUEUE", "database"), **db);
  if (!queue.ok()) return state.SkipWithError(queue.status().message().c_str());
  JobQueue& q = **queue;
  constexpr int kBurst = 100;
  std::vector<double> all;
  int round = 0;
  for (auto _ : state) {
    std::mutex mu;
    std::map<std::string, Clock::time_point> enqueued;
    std::vector<double> latencies;
    std::atomic<int> started{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < 2; ++w)
      workers.emplace_back([&, w] {
        while (started < kBurst) {
          auto job = q.Claim("bench" + std::to_string(w), 60, Lane::kHeavy);
          if (!job.ok() || !job->has_value()) continue;
          auto at = Clock::now();
          {
            std::lock_guard lock(mu);
            auto it = enqueued.find((*job)->task_id);
            if (it != enqueued.end())
              latencies.push_back(
                  std::chrono::duration<double, std::milli>(at - it->second).count());
          }
          (void)q.Complete(**job);
          ++started;
        }
      });
    for (int i = 0; i < kBurst; ++i) {
      std::string id = "qb-" + std::to_string(round) + "-" + std::to_string(i) + "-" +
                       std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
      std::string ts = NowIso();
      Status s = (*db)->Transaction([&](Database& tx) -> Status {
        if (Status e = tx.Exec("INSERT INTO tasks (id, tenant_id, user_id, state, created_at, "
                               "updated_at) VALUES (?, 'qb', 'qb', 'queued', ?, ?)",
                               {id, ts, ts});
            !e.ok())
          return e;
        return JobQueue::Enqueue(tx, id, "transcribe");
      });
      {
        std::lock_guard lock(mu);
        enqueued[id] = Clock::now();
      }
      if (!s.ok()) return state.SkipWithError(s.message().c_str());
      q.Notify();
    }
    for (auto& t : workers) t.join();
    ++round;
    all.insert(all.end(), latencies.begin(), latencies.end());
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0 : all[std::min(all.size() - 1, size_t(p * all.size()))];
  };
  state.counters["p50_ms"] = pct(0.50);
  state.counters["p99_ms"] = pct(0.99);
  state.counters["max_ms"] = all.empty() ? 0 : all.back();
  state.counters["jobs"] = static_cast<double>(all.size());
}
BENCHMARK(BM_EnqueueToStart)->Iterations(5)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace minutes

BENCHMARK_MAIN();
