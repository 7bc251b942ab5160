#include "cli/backends.hpp"

#include <csignal>

#include "db/migrator.hpp"

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
  auto queue = OpenJobQueue(config.queue, *b.db);
  if (!queue.ok()) return queue.status();
  b.queue = std::move(*queue);
  return b;
}

WorkerOptions WorkerOptionsFrom(const Config& config, int concurrency) {
  WorkerOptions wo;
  wo.concurrency = concurrency;
  wo.asr_threads = config.asr.threads;
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
