#include "cli/worker_command.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>

#include "cli/backends.hpp"
#include "cli/outputs.hpp"
#include "cli/service_config.hpp"

namespace minutes {
namespace {

constexpr auto kStopGrace = std::chrono::seconds(10);

int RunWorker(const ConfigFlags& flags) {
  sigset_t stop = BlockStopSignals();
  auto config = ResolveConfig(flags);
  if (!config.ok()) return ReportFailure(config.status());
  auto backends = OpenBackends(*config);
  if (!backends.ok()) return ReportFailure(backends.status());
  WorkerPool pool(*backends->db, *backends->store,
                  WorkerOptionsFrom(*config, config->worker.concurrency));
  pool.Start();
  std::printf("minutes: worker running %d job(s) at once on %s\n", config->worker.concurrency,
              config->database.c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  std::fprintf(stderr, "minutes: %s received, no new jobs; finishing or releasing current ones\n",
               sig == SIGTERM ? "SIGTERM" : "SIGINT");
  if (int released = pool.Stop(kStopGrace); released > 0) {
    std::fprintf(stderr, "minutes: released %d unfinished job(s) to the queue\n", released);
    std::fflush(stderr);
    _exit(0);
  }
  return 0;
}

}  // namespace

void AddWorkerCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ConfigFlags>();
  CLI::App* cmd =
      app.add_subcommand("worker", "Run a worker process: claim jobs from the queue, no HTTP");
  AddConfigFlags(cmd, flags.get());
  AddOverride(cmd, flags.get(), "--concurrency", "worker.concurrency", "Jobs at once (1)");
  cmd->callback([flags, exit_code] { *exit_code = RunWorker(*flags); });
}

}  // namespace minutes
