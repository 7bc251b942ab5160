#include "cli/sweep_command.hpp"

#include <cstdio>
#include <memory>

#include "cli/backends.hpp"
#include "cli/outputs.hpp"
#include "cli/service_config.hpp"
#include "worker/sweeper.hpp"

namespace minutes {
namespace {

int Sweep(const ConfigFlags& flags) {
  auto config = ResolveConfig(flags);
  if (!config.ok()) return ReportFailure(config.status());
  if (config->worker.temp_ttl_s == 0) {
    std::printf("worker.temp_ttl_s is 0: nothing is swept\n");
    return 0;
  }
  auto backends = OpenBackends(*config);
  if (!backends.ok()) return ReportFailure(backends.status());
  auto r =
      SweepTemporaries(*backends->db, *backends->store,
                       std::chrono::seconds(config->worker.temp_ttl_s), config->worker.temp_dir);
  if (!r.ok()) return ReportFailure(r.status());
  std::printf(
      "swept %d unfinished upload piece(s), %d probe object(s), %d orphaned recording(s), %d "
      "temporary file(s) older than %d s; %d expired direct upload(s)\n",
      r->staged, r->probes, r->orphans, r->temp_files, config->worker.temp_ttl_s, r->uploads);
  return 0;
}

}  // namespace

void AddSweepCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ConfigFlags>();
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Remove temporary objects and files older than worker.temp_ttl_s, now");
  AddConfigFlags(cmd, flags.get());
  AddOverride(cmd, flags.get(), "--temp-ttl-s", "worker.temp_ttl_s",
              "Age in seconds past which temporaries go (86400)");
  cmd->callback([flags, exit_code] { *exit_code = Sweep(*flags); });
}

}  // namespace minutes
