#include "cli/serve_command.hpp"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "api/server.hpp"
#include "cli/outputs.hpp"
#include "db/migrator.hpp"
#include "storage/object_store.hpp"
#include "worker/worker.hpp"

namespace minutes {
namespace {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8000;
  std::string data_dir = "./data";
  std::string database;
  int jwt_ttl = 3600;
  int workers = 1;
  int max_upload_mb = 500;
};

// The signing secret: $MINUTES_AUTH_JWT_SECRET, else one generated once and kept in the data
// directory (mode 0600) so restarts and several instances on one data dir accept each
// other's tokens.
Result<std::string> JwtSecret(const std::string& data_dir) {
  if (const char* env = std::getenv("MINUTES_AUTH_JWT_SECRET"); env && *env)
    return std::string(env);
  std::filesystem::path p = std::filesystem::path(data_dir) / "jwt-secret";
  std::ifstream in(p);
  std::string secret;
  if (in && std::getline(in, secret) && secret.size() >= 32) return secret;
  auto fresh = RandomHex(32);
  if (!fresh.ok()) return fresh.status();
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  std::string tmp = p.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << *fresh << "\n";
    if (!out) return Status::Io("cannot write " + tmp);
  }
  ::chmod(tmp.c_str(), 0600);
  std::filesystem::rename(tmp, p, ec);
  if (ec) return Status::Io("cannot write " + p.string() + ": " + ec.message());
  return *fresh;
}

int Serve(const ServeOptions& o) {
  // Block the stop signals before any thread starts, then wait for them on this thread.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  std::string url = o.database.empty() ? "sqlite://" + o.data_dir + "/minutes.db" : o.database;
  auto db = OpenDatabase(url);
  if (!db.ok()) return ReportFailure(db.status());
  if (auto m = Migrate(**db); !m.ok()) return ReportFailure(m.status());
  auto secret = JwtSecret(o.data_dir);
  if (!secret.ok()) return ReportFailure(secret.status());
  auto jwt = JwtIssuer::Make(*secret, o.jwt_ttl);
  if (!jwt.ok()) return ReportFailure(jwt.status());
  auto store = OpenObjectStore("file://" + o.data_dir + "/objects");
  if (!store.ok()) return ReportFailure(store.status());
  Accounts accounts(**db);
  Config config;
  config.server.host = o.host;
  config.server.port = o.port;
  config.server.workers = o.workers;
  config.server.max_upload_mb = o.max_upload_mb;
  config.data_dir = o.data_dir;
  ServiceContext ctx{**db, accounts, *jwt, **store, config, int64_t{o.max_upload_mb} * 1024 * 1024};
  ServerOptions so;
  so.host = o.host;
  so.port = o.port;
  ApiServer server(ctx, so);
  if (Status s = server.Start(); !s.ok()) return ReportFailure(s);
  WorkerOptions wo;
  wo.concurrency = o.workers;
  wo.config = &config;
  WorkerPool workers(**db, **store, wo);
  workers.Start();
  std::printf("minutes: listening on http://%s:%d\n", o.host.c_str(), server.port());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  std::fprintf(stderr, "minutes: %s received, finishing requests in flight\n",
               sig == SIGTERM ? "SIGTERM" : "SIGINT");
  server.Stop();
  workers.Stop();  // the jobs in progress finish; queued ones wait for the next start
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the HTTP API");
  cmd->add_option("--host", o->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", o->port, "Port (0 = any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--data-dir", o->data_dir, "Data directory (database, objects, jwt-secret)")
      ->capture_default_str();
  cmd->add_option("--database", o->database, "Database URL (default sqlite://DATA_DIR/minutes.db)");
  cmd->add_option("--jwt-ttl", o->jwt_ttl, "Access token lifetime, seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--workers", o->workers, "In-process workers (0 = API only)")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  cmd->add_option("--max-upload-mb", o->max_upload_mb, "Largest accepted upload, MiB")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  cmd->callback([o, exit_code] { *exit_code = Serve(*o); });
}

}  // namespace minutes
