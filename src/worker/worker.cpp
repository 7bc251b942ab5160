#include "worker/worker.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "asr/engine_choice.hpp"
#include "asr/transcriber.hpp"
#include "auth/accounts.hpp"
#include "export/minutes_json.hpp"
#include "llm/model_chain.hpp"
#include "log/log.hpp"
#include "metrics/metrics.hpp"
#include "pipeline/pipeline.hpp"
#include "store/hotwords.hpp"
#include "store/minutes_versions.hpp"
#include "store/objects.hpp"
#include "store/tasks.hpp"
#include "store/transcripts.hpp"
#include "store/usage.hpp"
#include "worker/minutes_generation.hpp"
#include "worker/sweeper.hpp"
#include "worker/webhooks.hpp"

namespace minutes {
namespace {

// Whether the task was canceled. A failed read is not taken for one (the next check asks again).
bool IsCanceled(Database& db, const std::string& task_id) {
  auto task = FindTaskRow(db, task_id);
  return task.ok() && task->has_value() && (*task)->state == "canceled";
}

// Thrown from the progress callback at a stage boundary when the task was canceled.
struct TaskCanceled {};

// The task's results, its charges in the cost log, its task.succeeded event and the job's
// completion, in one transaction: a worker killed at any moment either left none of them (the
// job runs again, from the start) or all of them (the job is done and never runs again).
Status StoreResults(Database& db, const Job& job, const std::string& owner, const PipelineResult& r,
                    const WrittenMinutes& doc, const std::vector<ProviderCall>& calls,
                    const std::map<std::string, double>& prices) {
  const std::string& task_id = job.task_id;
  return db.Transaction([&](Database& tx) -> Status {
    auto held = HoldsLease(tx, job, owner);
    if (!held.ok()) return held.status();
    if (!*held)  // our lease ran out and another worker has the job: it writes the results
      return Status::Conflict("lease on job " + job.id + " lost");
    auto task = FindTaskRow(tx, task_id);
    if (!task.ok()) return task.status();
    // Canceled meanwhile, or finished by another delivery of this job (a worker whose lease ran
    // out while it still ran): its results stand, and nothing is charged or announced twice.
    if (!*task || (*task)->state == "canceled" || (*task)->state == "succeeded")
      return CompleteJob(tx, job);
    // Idempotent: a redelivered job replaces what an earlier attempt may have half-written.
    if (Status s = ReplaceTranscript(tx, task_id, r.transcript, r.engine); !s.ok()) return s;
    auto have = HasMinutesVersion(tx, task_id, 1);
    if (!have.ok()) return have.status();
    if (!*have) {
      MinutesVersion v;
      v.task_id = task_id;
      v.version = 1;
      v.template_name = doc.template_used.name;
      v.template_body = doc.template_used.body;
      v.template_version = doc.template_used.version;
      v.generator = doc.generator;
      v.minutes_json = MinutesToJson(doc.doc).dump();
      v.repairs_json = RepairsToJson(doc.repairs).dump();
      if (Status s = InsertMinutesVersion(tx, v); !s.ok()) return s;
    }
    if (Status s = MarkTaskSucceeded(tx, task_id); !s.ok()) return s;
    if (Status s = SetTaskRecordingDuration(tx, task_id, r.transcript.duration); !s.ok()) return s;
    for (const ProviderCall& call : calls)
      if (Status s = RecordProviderCall(tx, call, prices); !s.ok()) return s;
    if (Status s = EnqueueTaskEvent(tx, task_id, "task.succeeded"); !s.ok()) return s;
    return CompleteJob(tx, job);
  });
}

}  // namespace

Status ProcessTranscribeTask(Database& db, ObjectStore& store, const Job& job,
                             const std::string& owner, const WorkerOptions& o) {
  const std::string& task_id = job.task_id;
  auto work = FindTranscribeWork(db, task_id);
  if (!work.ok()) return work.status();
  if (!*work) return Status::NotFound("task " + task_id + " has no recording");
  const TranscribeWork& w = **work;
  // Canceled, or a delivery of a job that finished already (its task succeeded): nothing to do.
  if (w.state == "canceled" || w.state == "succeeded") return Status::Ok();
  if (Status s = MarkTaskProcessing(db, task_id); !s.ok()) return s;
  namespace fs = std::filesystem;
  fs::path dir = o.temp_dir.empty() ? fs::temp_directory_path() : fs::path(o.temp_dir);
  // The recording is fetched to a file with no name: created (a tenant's data: readable by
  // this service's user only), unlinked at once and read through /proc/self/fd. A worker killed
  // at any moment leaves no copy of the recording behind — the kernel frees it with the
  // process — instead of one per kill waiting for the sweep (worker.temp_ttl_s).
  fs::path named = dir / ("minutes-task-" + task_id + "-" + std::to_string(getpid()));
  int fd = open(named.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::Io("cannot create a temporary file in " + dir.string() + ": " +
                      std::strerror(errno));
  unlink(named.c_str());
  struct CloseAtExit {
    int fd;
    ~CloseAtExit() { close(fd); }
  } close_at_exit{fd};
  const std::string local = "/proc/self/fd/" + std::to_string(fd);
  {
    std::ofstream out(local, std::ios::binary | std::ios::trunc);
    if (Status s = store.Get(w.storage_key, 0, -1, out); !s.ok()) return s;
    out.flush();
    if (!out) return Status::Io("cannot write the recording to " + dir.string());
  }
  PipelineOptions po;
  po.threads = o.asr_threads;
  po.speakers = static_cast<int>(w.speakers);
  po.language = w.language;
  // The task's engine, else its tenant's, else the configured order; the rest fail over.
  std::string choice = w.engine != "auto" ? w.engine : w.tenant_asr_engine;
  auto configured = ConfiguredEngines(o.asr_engine, o.asr_fallback);
  auto engines = EnginesFor(configured, choice);
  if (!engines.ok()) engines = configured;  // the configuration changed since: its order
  po.engine = engines->front();
  po.fallback_engines.assign(engines->begin() + 1, engines->end());
  po.whisper_model = o.asr_model;
  if (o.config) {
    po.media_store = o.config->storage;
    po.media_access_key = o.config->storage_access_key;
    po.media_secret_key = o.config->storage_secret_key;
    po.max_seconds = o.config->limits.max_duration_s;  // a file that lied to the upload's probe
  }
  auto next_check = std::chrono::steady_clock::now();
  bool canceled = false;
  po.canceled = [&] {  // polled by long provider jobs; the database at most every 2 s
    if (canceled || std::chrono::steady_clock::now() < next_check) return canceled;
    next_check = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    canceled = IsCanceled(db, task_id);
    return canceled;
  };
  if (!w.hotword_set_id.empty()) {  // the task's hotword set, for engines that take one
    auto words = HotwordsOfSet(db, w.hotword_set_id);
    if (words.ok()) po.hotwords = std::move(*words);
  }
  auto last = std::chrono::steady_clock::now();
  std::string last_stage;
  Result<PipelineResult> result = Status::Internal("not run");
  try {
    result = TranscribeRecording(local, po, [&](const std::string& stage, double f) {
      // Stage changes are reported from the calling thread with no decoding threads running:
      // the one safe place to stop a canceled task.
      if (stage != last_stage) {
        last_stage = stage;
        if (IsCanceled(db, task_id)) throw TaskCanceled{};
      }
      auto now = std::chrono::steady_clock::now();
      if (now - last < std::chrono::milliseconds(500) && f < 1.0 && f > 0.0) return;
      last = now;
      (void)SetTaskProgress(db, task_id, stage, f);
    });
  } catch (const TaskCanceled&) {
    return Status::Ok();  // the job is done: nothing more to do for a canceled task
  }
  if (canceled) return Status::Ok();  // a provider job abandoned for a canceled task
  if (!result.ok()) {  // said of the recording as its owner knows it, not of our temp file
    std::string message = result.status().message();
    std::string name = w.filename.empty() ? "the recording" : w.filename;
    for (size_t at; (at = message.find(local)) != std::string::npos;)
      message.replace(at, local.size(), name);
    return Status(result.status().kind(), message);
  }
  Metrics::Global().ObserveStage("decode", result->times.decode);
  Metrics::Global().ObserveStage("transcribe", result->times.transcribe);
  Metrics::Global().ObserveStage("diarize", result->times.diarize);
  auto minutes = WriteMinutes(db, o, task_id, result->transcript, w.template_name);
  if (!minutes.ok()) return minutes.status();
  // The charges: every engine tried (failures included), and the extractive summary (model
  // calls were audited as they happened).
  auto who = FindTaskRow(db, task_id);
  if (!who.ok()) return who.status();
  if (!*who) return Status::Ok();  // deleted meanwhile
  static const std::map<std::string, double> kNoPrices;
  const auto& prices = o.config ? o.config->prices : kNoPrices;
  std::vector<ProviderCall> calls;
  ProviderCall asr;
  asr.tenant_id = (*who)->tenant_id;
  asr.user_id = (*who)->user_id;
  asr.task_id = task_id;
  for (const AsrAttempt& a : result->attempts) {
    ProviderCall call = asr;
    bool named = a.engine.find("://") == std::string::npos;
    call.provider = named ? a.engine.substr(0, a.engine.find(':')) : AsrEngineName(a.engine);
    call.model = !named || a.engine.find(':') == std::string::npos
                     ? po.language
                     : a.engine.substr(a.engine.find(':') + 1);
    call.outcome = a.outcome;
    call.error = a.error;
    call.latency_s = a.seconds;
    call.audio_seconds = a.outcome == "ok" ? result->transcript.duration : 0;
    calls.push_back(call);
    if (a.outcome == "ok") asr = call;
  }
  if (minutes->generator == "extractive") {
    ProviderCall summary = asr;
    summary.provider = "extractive";
    summary.model = "tfidf";
    summary.audio_seconds = 0;
    calls.push_back(summary);
  }
  return StoreResults(db, job, owner, *result, *minutes, calls, prices);
}

WorkerPool::WorkerPool(Database& db, ObjectStore& store, JobQueue& queue, WorkerOptions options)
    : db_(db), store_(store), queue_(queue), options_(std::move(options)) {}

WorkerPool::~WorkerPool() { Stop(); }

void WorkerPool::Start() {
  for (int i = 0; i < options_.concurrency; ++i)
    threads_.emplace_back(&WorkerPool::Loop, this, Lane::kHeavy, i);
  // A pool with no heavy slot is an API-only process (`serve --workers 0`): no lane at all.
  for (int i = 0; options_.concurrency > 0 && i < options_.light_threads; ++i)
    threads_.emplace_back(&WorkerPool::Loop, this, Lane::kLight, i);
  if (options_.concurrency > 0 && options_.temp_ttl_s > 0)
    threads_.emplace_back(&WorkerPool::SweepLoop, this);
}

void WorkerPool::SweepLoop() {
  const int every_s = std::clamp(options_.temp_ttl_s / 4, 1, 3600);
  while (!stop_) {
    for (int i = 0; i < every_s * 10 && !stop_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (stop_) break;
    auto swept =
        SweepTemporaries(db_, store_, std::chrono::seconds(options_.temp_ttl_s), options_.temp_dir);
    if (!swept.ok()) {
      LogEvent(LogLevel::kWarn, "sweep_failed", {{"error", swept.status().message()}});
    } else if (swept->staged + swept->probes + swept->orphans + swept->temp_files + swept->uploads >
               0) {
      LogEvent(LogLevel::kInfo, "swept",
               {{"staged", swept->staged},
                {"probes", swept->probes},
                {"orphans", swept->orphans},
                {"temp_files", swept->temp_files},
                {"uploads", swept->uploads}});
    }
  }
}

int WorkerPool::Stop(std::chrono::milliseconds grace) {
  stop_ = true;
  auto until = std::chrono::steady_clock::now() + grace;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (running_.empty()) break;
    }
    if (std::chrono::steady_clock::now() >= until) {
      std::lock_guard lock(mu_);
      for (auto& [id, held] : running_) {
        (void)queue_.Release(held.first, held.second);
        (void)RequeueProcessingTask(db_, held.first.task_id);
      }
      int released = static_cast<int>(running_.size());
      LogEvent(LogLevel::kWarn, "jobs_released", {{"count", released}});
      for (auto& t : threads_) t.detach();  // the caller ends the process now
      threads_.clear();
      return released;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  return 0;
}

int WorkerPool::Running() {
  std::lock_guard lock(mu_);
  return static_cast<int>(running_.size());
}

int WorkerPool::Running(Lane lane) {
  std::lock_guard lock(mu_);
  return static_cast<int>(std::count_if(running_.begin(), running_.end(), [&](const auto& r) {
    return r.second.first.lane == lane;
  }));
}

namespace {
// Jobs whose failure is the task's failure; a failed regeneration or webhook is not.
bool DrivesTask(const std::string& kind) { return kind == "transcribe"; }
}  // namespace

void WorkerPool::Loop(Lane lane, int index) {
  JobQueue& queue = queue_;
  char host[128] = {};
  gethostname(host, sizeof host - 1);
  // host:pid:N for a heavy slot, host:pid:light-N for a light one.
  std::string owner = std::string(host) + ":" + std::to_string(getpid()) + ":" +
                      (lane == Lane::kLight ? "light-" : "") + std::to_string(index);
  while (!stop_) {
    auto job = queue.Claim(owner, options_.lease_s, lane);  // waits a moment when there is none
    if (!job.ok()) {
      LogEvent(LogLevel::kWarn, "claim_failed", {{"error", job.status().message()}});
      for (int i = 0; i < 4 && !stop_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    if (!job.value()) continue;
    const Job j = **job;
    auto started = std::chrono::steady_clock::now();
    LogEvent(LogLevel::kInfo, "job_started",
             {{"job_id", j.id},
              {"kind", j.kind},
              {"lane", std::string(LaneName(j.lane))},
              {"task_id", j.task_id},
              {"tenant_id", j.tenant_id},
              {"attempt", j.attempts},
              {"via", j.delivery.empty() ? "table" : "stream"},
              {"worker", owner}});
    {
      std::lock_guard lock(mu_);
      running_[j.id] = {j, owner};
    }
    // Keep the lease alive while the pipeline runs.
    std::atomic<bool> done{false};
    std::thread beat([&] {
      while (!done) {
        for (int i = 0; i < 10 * options_.lease_s / 3 && !done; ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (!done) (void)queue.Heartbeat(j, owner, options_.lease_s);
      }
    });
    int limit = j.kind == "webhook" && options_.config ? options_.config->webhooks.max_attempts
                                                       : options_.max_attempts;
    // Claimed again after its lease ran out on every try: the job keeps killing (or hanging)
    // the workers that run it. Stop here instead of taking down the next one.
    Status s = j.attempts > limit
                   ? Status::BadInput("gave up after " + std::to_string(limit) +
                                      " attempts: the worker running it stopped responding")
               : j.kind == "transcribe" ? ProcessTranscribeTask(db_, store_, j, owner, options_)
               : j.kind == "minutes"    ? ProcessMinutesJob(db_, store_, j, options_)
               : j.kind == "webhook"    ? DeliverWebhookJob(db_, j, options_)
                                        : Status::BadInput("unknown job kind '" + j.kind + "'");
    done = true;
    beat.join();
    {
      std::lock_guard lock(mu_);
      running_.erase(j.id);
    }
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    nlohmann::json fields = {{"job_id", j.id},
                             {"kind", j.kind},
                             {"task_id", j.task_id},
                             {"attempt", j.attempts},
                             {"duration_ms", std::round(ms)}};
    SettleJob(db_, queue, j, s, limit, std::move(fields));
  }
}

void SettleJob(Database& db, JobQueue& queue, const Job& j, const Status& s, int max_attempts,
               nlohmann::json fields) {
  if (s.ok()) {
    (void)queue.Complete(j);
    queue.Notify();  // the job may have queued webhook deliveries
    LogEvent(LogLevel::kInfo, "job_succeeded", fields);
    return;
  }
  fields["error"] = s.message();
  if (s.kind() == ErrorKind::kConflict) {  // our lease ran out: another worker owns it now
    LogEvent(LogLevel::kWarn, "job_lease_lost", fields);
    return;
  }
  // Bad input and refusals by policy (a webhook to a refused address) do not heal by retrying.
  auto dead =
      queue.Fail(j, s.message(), max_attempts,
                 s.kind() == ErrorKind::kBadInput || s.kind() == ErrorKind::kFailedPrecondition);
  if (!dead.ok()) {
    // The queue's backend is unreachable: whether this was the last attempt is not known. The
    // lease runs out and the job is claimed again, so the task is left as it is — calling it
    // failed here (and telling the webhooks so) would be wrong whenever that retry succeeds.
    fields["queue_error"] = dead.status().message();
    LogEvent(LogLevel::kWarn, "job_failure_unrecorded", fields);
    return;
  }
  const bool final = *dead;
  LogEvent(final ? LogLevel::kError : LogLevel::kWarn, final ? "job_failed" : "job_retry", fields);
  if (!DrivesTask(j.kind)) return;
  (void)RecordTaskFailure(db, j.task_id, final, s.message());
  if (final && EnqueueTaskEvent(db, j.task_id, "task.failed").ok()) queue.Notify();
}

}  // namespace minutes
