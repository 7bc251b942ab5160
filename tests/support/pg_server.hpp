#pragma once
// A PostgreSQL 15 server for tests: initdb into a temp directory, postgres on a free loopback
// port (socket in the same directory), a database `minutes`; stopped and removed on
// destruction. initdb and postgres refuse to run as root, so they run as the `postgres` user
// (Debian's postgresql-15 package creates it) on a directory that user owns.
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "run_command.hpp"
#include "s3_server.hpp"  // FreeLoopbackPort, Accepts

namespace minutes::testing {

class PgServer {
 public:
  PgServer() {
    static int counter = 0;
    dir_ = std::filesystem::path("/tmp") /
           ("minutes-pg-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    port_ = FreeLoopbackPort();
    const std::string bin = "/usr/lib/postgresql/15/bin/";
    std::string as_pg = geteuid() == 0 ? "runuser -u postgres -- " : "";
    if (geteuid() == 0) RunCommand("chown postgres " + ShellQuote(dir_.string()));
    std::string data = (dir_ / "data").string();
    auto init = RunCommand(as_pg + bin + "initdb -D " + ShellQuote(data) +
                           " -A trust -U postgres -E UTF8 --no-sync");
    if (init.exit_code != 0) throw std::runtime_error("initdb failed: " + init.output);
    Start();
    auto created = RunCommand("psql -h 127.0.0.1 -p " + std::to_string(port_) +
                              " -U postgres -c 'CREATE DATABASE minutes'");
    if (created.exit_code != 0) throw std::runtime_error("createdb failed: " + created.output);
  }
  ~PgServer() {
    std::string as_pg = geteuid() == 0 ? "runuser -u postgres -- " : "";
    RunCommand(as_pg + "/usr/lib/postgresql/15/bin/pg_ctl -D " +
               ShellQuote((dir_ / "data").string()) + " -m immediate -w stop");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  /// Starts the server (again) on the same port and data.
  void Start() {
    std::string as_pg = geteuid() == 0 ? "runuser -u postgres -- " : "";
    auto start = RunCommand(as_pg + "/usr/lib/postgresql/15/bin/pg_ctl -D " +
                            ShellQuote((dir_ / "data").string()) + " -l " +
                            ShellQuote((dir_ / "pg.log").string()) + " -w -o " +
                            ShellQuote("-p " + std::to_string(port_) + " -k " + dir_.string() +
                                       " -c listen_addresses=127.0.0.1 -c fsync=off") +
                            " start");
    if (start.exit_code != 0) throw std::runtime_error("postgres did not start: " + start.output);
  }
  /// Stops the server, cutting its connections (fast shutdown).
  void Stop() {
    std::string as_pg = geteuid() == 0 ? "runuser -u postgres -- " : "";
    RunCommand(as_pg + "/usr/lib/postgresql/15/bin/pg_ctl -D " +
               ShellQuote((dir_ / "data").string()) + " -m fast -w stop");
  }
  int port() const { return port_; }
  /// postgresql://postgres@127.0.0.1:PORT/minutes
  std::string Url(const std::string& db = "minutes") const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + db;
  }
  /// Runs SQL through psql; its output.
  std::string Psql(const std::string& sql) const {
    return RunCommand("psql -h 127.0.0.1 -p " + std::to_string(port_) +
                      " -U postgres -d minutes -At -c " + ShellQuote(sql))
        .output;
  }

 private:
  std::filesystem::path dir_;
  int port_ = 0;
};

}  // namespace minutes::testing
