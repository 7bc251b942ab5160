#include "cli/backends.hpp"

#include <csignal>

#include "asr/engine_choice.hpp"
#include "asr/transcriber.hpp"
#include "db/migrator.hpp"
#include "llm/call_capture.hpp"

namespace minutes {

Result<Backends> OpenBackends(const Config& config) {
  Backends b;
  auto db = OpenDatabase(config.database);
  if (!db.ok()) return db.status();
  if (auto m = Migrate(**db); !m.ok()) return m.status();
  auto store =
      OpenObjectStore(config.storage, config.storage_access_key, config.storage_secret_key);
  if (!store.ok()) return store.status();
  b.db = std::move(*db);
  b.store = std::move(*store);
  JobQueueOptions queue_options;
  queue_options.max_running_per_tenant = config.worker.max_running_per_tenant;
  queue_options.max_light_running_per_tenant = config.worker.max_light_running_per_tenant;
  auto queue = OpenJobQueue(config.queue, *b.db, queue_options);
  if (!queue.ok()) return queue.status();
  b.queue = std::move(*queue);
  for (const auto& engine : ConfiguredEngines(config.asr.engine, config.asr.fallback))
    if (Status s = ValidateAsrEngine(engine); !s.ok()) return s;  // before anything runs
  auto models = OpenModels(config.llm.chain);
  if (!models.ok()) return models.status();
  b.models = *models;
  if (b.models.chain) b.models.chain->OnCall(ForwardProviderCall);
  return b;
}

WorkerOptions WorkerOptionsFrom(const Config& config, int concurrency, const Backends& b) {
  WorkerOptions wo;
  wo.llm = b.models.chain;
  wo.llm_context_tokens = b.models.context_tokens;
  wo.concurrency = concurrency;
  wo.light_threads = config.worker.light_threads;
  wo.asr_threads = config.asr.threads;
  wo.asr_engine = config.asr.engine;
  wo.asr_fallback = config.asr.fallback;
  wo.asr_model = config.asr.model;
  wo.lease_s = config.worker.lease_s;
  wo.max_attempts = config.worker.max_attempts;
  wo.temp_dir = config.worker.temp_dir;
  wo.temp_ttl_s = config.worker.temp_ttl_s;
  wo.config = &config;
  return wo;
}

sigset_t BlockStopSignals() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  return stop;
}

}  // namespace minutes
