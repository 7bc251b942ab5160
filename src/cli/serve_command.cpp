#include "cli/serve_command.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "api/server.hpp"
#include "cli/backends.hpp"
#include "cli/outputs.hpp"
#include "cli/service_config.hpp"
#include "log/log.hpp"
#include "net/url.hpp"
#include "worker/worker.hpp"

namespace minutes {
namespace {

// The signing secret: auth.jwt_secret (MINUTES_AUTH_JWT_SECRET), else one generated once and
// kept in the data directory (mode 0600) so restarts and several instances on one data dir
// accept each other's tokens.
Result<std::string> JwtSecret(const Config& config) {
  if (!config.auth.jwt_secret.empty()) return config.auth.jwt_secret;
  const std::string& data_dir = config.data_dir;
  std::filesystem::path p = std::filesystem::path(data_dir) / "jwt-secret";
  std::ifstream in(p);
  std::string secret;
  if (in && std::getline(in, secret) && secret.size() >= 32) return secret;
  auto fresh = RandomHex(32);
  if (!fresh.ok()) return fresh.status();
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  std::string tmp = p.string() + ".tmp." + std::to_string(getpid());
  // Created 0600 (not chmod-ed afterwards: the secret is never readable by others, not even for
  // a moment), and synced before it is linked into place.
  std::string line = *fresh + "\n";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::Io("cannot write " + tmp + ": " + std::strerror(errno));
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                 ::fdatasync(fd) == 0;
  ::close(fd);
  if (!written) {
    std::filesystem::remove(tmp, ec);
    return Status::Io("cannot write " + tmp);
  }
  // Another instance starting at the same moment may have won: keep whichever landed first.
  if (::link(tmp.c_str(), p.c_str()) != 0) {
    std::filesystem::remove(tmp, ec);
    std::ifstream again(p);
    if (again && std::getline(again, secret) && secret.size() >= 32) return secret;
    return Status::Io("cannot write " + p.string());
  }
  std::filesystem::remove(tmp, ec);
  return *fresh;
}

}  // namespace

Result<JwtIssuer> MakeJwtIssuer(const Config& c) {
  if (c.auth.jwt_algorithm == "RS256")
    return JwtIssuer::MakeRs256(c.auth.jwt_private_key_file, c.auth.jwt_public_key_file,
                                c.auth.jwt_ttl_s);
  auto secret = JwtSecret(c);
  if (!secret.ok()) return secret.status();
  return JwtIssuer::Make(*secret, c.auth.jwt_ttl_s);
}

namespace {

int Serve(const ConfigFlags& flags) {
  sigset_t stop = BlockStopSignals();  // before any thread starts
  auto config = ResolveConfig(flags);
  if (!config.ok()) return ReportFailure(config.status());
  const Config& c = *config;
  ConfigureLog(c.log.level, c.log.format);
  auto backends = OpenBackends(c);
  if (!backends.ok()) return ReportFailure(backends.status());
  Result<JwtIssuer> jwt = MakeJwtIssuer(c);
  if (!jwt.ok()) return ReportFailure(jwt.status());
  Accounts accounts(*backends->db, AccountOptionsFrom(c));
  ServiceContext ctx{*backends->db,
                     accounts,
                     *jwt,
                     *backends->store,
                     c,
                     int64_t{c.server.max_upload_mb} * 1024 * 1024,
                     backends->queue.get(),
                     backends->models.chain,
                     backends->models.context_tokens};
  ApiServer server(ctx, c.server.host, c.server.port);
  if (Status s = server.Start(); !s.ok()) return ReportFailure(s);
  WorkerPool workers(*backends->db, *backends->store, *backends->queue,
                     WorkerOptionsFrom(c, c.server.workers, *backends));
  workers.Start();
  std::printf("minutes: listening on http://%s:%d\n", c.server.host.c_str(), server.port());
  std::fflush(stdout);
  LogEvent(LogLevel::kInfo, "server_started",
           {{"address", c.server.host + ":" + std::to_string(server.port())},
            {"workers", c.server.workers},
            {"database", MaskUrl(c.database)},
            {"storage", MaskUrl(c.storage)},
            {"queue", MaskUrl(c.queue)},
            {"version", MINUTES_VERSION}});
  int sig = 0;
  sigwait(&stop, &sig);
  LogEvent(LogLevel::kInfo, "stopping",
           {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"},
            {"action", "finishing requests in flight"}});
  server.Stop();
  if (int released = workers.Stop(kStopGrace); released > 0) {
    FlushLog();
    _exit(0);  // their threads cannot be interrupted; the jobs are already back in the queue
  }
  LogEvent(LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ConfigFlags>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the HTTP API (and in-process workers)");
  AddConfigFlags(cmd, flags.get());
  AddOverride(cmd, flags.get(), "--host", "server.host", "Address to listen on (127.0.0.1)");
  AddOverride(cmd, flags.get(), "--port", "server.port", "Port, 0 = any free port (8000)");
  AddOverride(cmd, flags.get(), "--workers", "server.workers",
              "In-process workers, 0 = API only (1)");
  AddOverride(cmd, flags.get(), "--max-upload-mb", "server.max_upload_mb",
              "Largest accepted upload, MiB (500)");
  AddOverride(cmd, flags.get(), "--jwt-ttl", "auth.jwt_ttl_s", "Access token lifetime, s (3600)");
  cmd->callback([flags, exit_code] { *exit_code = Serve(*flags); });
}

}  // namespace minutes
