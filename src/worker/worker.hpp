#pragma once
// Workers: threads that claim jobs and run the offline pipeline on uploaded recordings.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "db/database.hpp"
#include "storage/object_store.hpp"

namespace minutes {

struct WorkerOptions {
  int concurrency = 1;             ///< jobs at once
  int asr_threads = 0;             ///< per job; 0 = all cores
  int lease_s = 60;                ///< a dead worker's job is taken again after this
  std::string temp_dir;            ///< where recordings are fetched to
  const Config* config = nullptr;  ///< prices, webhook settings; nullptr = defaults
};

/// Runs `concurrency` worker threads until Stop(). Stop lets the current jobs finish.
class WorkerPool {
 public:
  WorkerPool(Database& db, ObjectStore& store, WorkerOptions options);
  ~WorkerPool();
  void Start();
  void Stop();

 private:
  void Loop(int index);
  Database& db_;
  ObjectStore& store_;
  WorkerOptions options_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

/// Processes one transcription task end to end (used by the pool; public for tests):
/// fetches the recording, transcribes, diarizes, writes segments and minutes version 1.
Status ProcessTranscribeTask(Database& db, ObjectStore& store, const std::string& task_id,
                             const WorkerOptions& options);

struct Job;
/// minutes_job.cpp: job kind "minutes" — writes the next minutes version of a task from its
/// stored transcript with the template named in the payload.
Status ProcessMinutesJob(Database& db, ObjectStore& store, const Job& job,
                         const WorkerOptions& options);
/// webhook_job.cpp: job kind "webhook" — one signed delivery of a task event to the tenant's
/// webhooks (payload names the event); an error makes the queue retry it with backoff.
Status DeliverWebhookJob(Database& db, const Job& job, const WorkerOptions& options);

}  // namespace minutes
