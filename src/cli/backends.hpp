#pragma once
// What serve and worker open from the configuration: the database (migrated), the object
// store and the job queue, plus the worker options derived from it.
#include <chrono>
#include <memory>

#include "config/config.hpp"
#include "db/database.hpp"
#include "llm/model_factory.hpp"
#include "queue/job_queue.hpp"
#include "storage/object_store.hpp"
#include "worker/worker.hpp"

namespace minutes {

struct Backends {
  std::unique_ptr<Database> db;
  std::unique_ptr<ObjectStore> store;
  std::unique_ptr<JobQueue> queue;  ///< declared after db: destroyed before it
  ConfiguredModels models;          ///< llm.chain (no chain when empty)
};

/// Opens and migrates the database, opens the object store; errors name the URL.
Result<Backends> OpenBackends(const Config& config);

/// Worker options from config.worker / config.asr and the opened models (`concurrency` from
/// the caller).
WorkerOptions WorkerOptionsFrom(const Config& config, int concurrency, const Backends& backends);

/// Blocks SIGTERM and SIGINT in this thread (call before starting threads) and returns the set
/// to sigwait on.
sigset_t BlockStopSignals();

/// How long a stopping serve or worker process waits for jobs in flight before releasing them to
/// the queue.
inline constexpr auto kStopGrace = std::chrono::seconds(10);

}  // namespace minutes
