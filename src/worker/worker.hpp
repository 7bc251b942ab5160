#pragma once
// Workers: threads that claim jobs and run the offline pipeline on uploaded recordings.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "db/database.hpp"
#include "llm/language_model.hpp"
#include "queue/job_queue.hpp"
#include "storage/object_store.hpp"

namespace minutes {

struct WorkerOptions {
  int concurrency = 1;              ///< heavy jobs at once (transcription, minutes)
  int light_threads = 2;            ///< light jobs at once (webhooks), on threads of their own
  int asr_threads = 0;              ///< per job; 0 = all cores
  std::string asr_engine = "auto";  ///< asr.engine: auto, pocketsphinx, or a provider URL
  std::vector<std::string> asr_fallback;  ///< asr.fallback: tried in order when it fails
  std::string asr_model;                  ///< asr.model: whisper's model name or file
  int lease_s = 60;                       ///< a dead worker's job is taken again after this
  int max_attempts = 3;                   ///< tries before a task fails
  std::string temp_dir;                   ///< where recordings are fetched to
  int temp_ttl_s = 0;                  ///< sweep temporaries older than this (sweeper.hpp); 0 = off
  const Config* config = nullptr;      ///< prices, webhook settings; nullptr = defaults
  std::shared_ptr<LanguageModel> llm;  ///< minutes from language models; null = extractive
  int llm_context_tokens = 8192;
};

/// Runs `concurrency` heavy-lane threads and, when that is not 0, `light_threads` light-lane
/// threads until Stop(). Each lane's threads claim only that lane's jobs.
class WorkerPool {
 public:
  WorkerPool(Database& db, ObjectStore& store, JobQueue& queue, WorkerOptions options);
  ~WorkerPool();
  void Start();
  /// Stops claiming jobs and waits up to `grace` for the jobs in flight. Jobs still running
  /// then are released to the queue (another worker takes them at once; the attempt does not
  /// count) and their threads are left behind: the caller must end the process right away
  /// (_exit) — a PocketSphinx decode cannot be interrupted mid-utterance. Returns how many jobs
  /// were released (0: every thread has been joined).
  int Stop(std::chrono::milliseconds grace = std::chrono::hours(24));
  /// Jobs in progress now.
  int Running();
  /// Jobs of `lane` in progress now.
  int Running(Lane lane);

 private:
  void Loop(Lane lane, int index);
  void SweepLoop();
  Database& db_;
  ObjectStore& store_;
  JobQueue& queue_;
  WorkerOptions options_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::map<std::string, std::pair<Job, std::string>> running_;  ///< job id -> job, lease owner
};

/// Processes one transcription job end to end (used by the pool; public for tests): fetches
/// the recording, transcribes, diarizes, writes segments and minutes version 1 — only while
/// `owner` still holds the job's lease. A task canceled meanwhile stops at the next stage.
Status ProcessTranscribeTask(Database& db, ObjectStore& store, const Job& job,
                             const std::string& owner, const WorkerOptions& options);

/// What follows a job's run (used by the pool; public for tests): completes it on success;
/// otherwise records the failure with the queue (retry after a backoff, or dead after
/// `max_attempts`) and, for a transcription, the task's state and its task.failed event. A
/// lost lease, or a queue that cannot record the failure, leaves job and task to whoever claims
/// the job next.
void SettleJob(Database& db, JobQueue& queue, const Job& job, const Status& outcome,
               int max_attempts, nlohmann::json fields = nlohmann::json::object());

/// minutes_job.cpp: job kind "minutes" — writes the next minutes version of a task from its
/// stored transcript with the template named in the payload.
Status ProcessMinutesJob(Database& db, ObjectStore& store, const Job& job,
                         const WorkerOptions& options);
/// webhook_job.cpp: job kind "webhook" — one signed delivery of a task event to the tenant's
/// webhooks (payload names the event); an error makes the queue retry it with backoff.
Status DeliverWebhookJob(Database& db, const Job& job, const WorkerOptions& options);

}  // namespace minutes
