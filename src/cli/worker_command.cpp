#include "cli/worker_command.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>

#include "cli/backends.hpp"
#include "cli/outputs.hpp"
#include "cli/service_config.hpp"
#include "log/log.hpp"
#include "net/url.hpp"
#include "worker/status_server.hpp"

namespace minutes {
namespace {

int RunWorker(const ConfigFlags& flags) {
  sigset_t stop = BlockStopSignals();
  auto config = ResolveConfig(flags);
  if (!config.ok()) return ReportFailure(config.status());
  ConfigureLog(config->log.level, config->log.format);
  auto backends = OpenBackends(*config);
  if (!backends.ok()) return ReportFailure(backends.status());
  WorkerPool pool(*backends->db, *backends->store, *backends->queue,
                  WorkerOptionsFrom(*config, config->worker.concurrency, *backends));
  StatusServer status(*backends->db, [&pool] {
    return std::map<std::string, int>{{"heavy", pool.Running(Lane::kHeavy)},
                                      {"light", pool.Running(Lane::kLight)}};
  });
  std::string status_url;
  if (config->worker.status_port >= 0) {
    if (Status s = status.Start(config->worker.status_host, config->worker.status_port); !s.ok())
      return ReportFailure(s);
    status_url =
        "; status on http://" + config->worker.status_host + ":" + std::to_string(status.port());
  }
  pool.Start();
  // One line, so scripts (and tests) learn the status port from the first line of output.
  std::printf("minutes: worker running %d job(s) at once on %s%s\n", config->worker.concurrency,
              MaskUrl(config->database).c_str(), status_url.c_str());
  std::fflush(stdout);
  LogEvent(LogLevel::kInfo, "worker_started",
           {{"concurrency", config->worker.concurrency},
            {"light_threads", config->worker.light_threads},
            {"max_running_per_tenant", config->worker.max_running_per_tenant},
            {"max_light_running_per_tenant", config->worker.max_light_running_per_tenant},
            {"database", MaskUrl(config->database)},
            {"storage", MaskUrl(config->storage)},
            {"queue", MaskUrl(config->queue)},
            {"version", MINUTES_VERSION}});
  int sig = 0;
  sigwait(&stop, &sig);
  LogEvent(LogLevel::kInfo, "stopping",
           {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"},
            {"action", "no new jobs; finishing or releasing current ones"}});
  if (int released = pool.Stop(kStopGrace); released > 0) {
    FlushLog();
    _exit(0);  // their threads cannot be interrupted; the jobs are already back in the queue
  }
  LogEvent(LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace

void AddWorkerCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ConfigFlags>();
  CLI::App* cmd =
      app.add_subcommand("worker", "Run a worker process: claim jobs from the queue, no HTTP");
  AddConfigFlags(cmd, flags.get());
  AddOverride(cmd, flags.get(), "--concurrency", "worker.concurrency",
              "Heavy jobs (transcription, minutes) at once (1)");
  AddOverride(cmd, flags.get(), "--light-threads", "worker.light_threads",
              "Light jobs (webhook deliveries) at once, on threads of their own (2)");
  AddOverride(cmd, flags.get(), "--status-port", "worker.status_port",
              "Serve /health and /metrics on this port (-1 = off, 0 = any free port)");
  cmd->callback([flags, exit_code] { *exit_code = RunWorker(*flags); });
}

}  // namespace minutes
